import { PulseConfigError } from '../../pulse/pulse-errors.js';
import type { ClaimResult, DedupStore } from './store.js';

export interface MemoryDedupStoreOptions {
  /**
   * Keys kept at most, claimed and done together; past it the least recently
   * used key is forgotten (a later copy of that message runs again). Bounds
   * memory whatever keys arrive, a flood of made-up ones included. Default 100000.
   */
  readonly maxKeys?: number;
}

/** A key's state (`token` while claimed, none once done), in a list from least to most recently used. */
interface Entry {
  readonly key: string;
  token: string | undefined;
  expiresAt: number;
  newer: Entry | undefined;
  older: Entry | undefined;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Deduplication keys in this process's memory: for one bot process (several
 * replicas need `RedisDedupStore`). Least recently used keys go first once
 * `maxKeys` is reached; expired ones when next touched or evicted. Every
 * operation is O(1) (a `Map` kept in use order) and never fails.
 */
export class MemoryDedupStore implements DedupStore {
  readonly maxKeys: number;
  // A map for lookups and a linked list for the use order: each operation O(1).
  // (A Map's own insertion order would do, but V8 iterates over the holes deleted
  // entries leave at its front, so finding the oldest there slows as keys churn.)
  readonly #entries = new Map<string, Entry>();
  #oldest: Entry | undefined;
  #newest: Entry | undefined;

  constructor(options: MemoryDedupStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new PulseConfigError('maxKeys', `must be a positive integer, got ${String(maxKeys)}`);
    this.maxKeys = maxKeys;
  }

  /** Keys held now (claimed or done), expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const entry = this.#live(key);
    if (entry === undefined) {
      this.#set(key, token, leaseMs);
      return Promise.resolve({ state: 'claimed' });
    }
    if (entry.token === undefined) return Promise.resolve({ state: 'done' });
    return Promise.resolve({ state: 'in-progress', remainingMs: Math.max(0, entry.expiresAt - Date.now()) });
  }

  renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    if (this.#live(key)?.token !== token) return Promise.resolve(false);
    this.#set(key, token, leaseMs);
    return Promise.resolve(true);
  }

  complete(key: string, token: string, ttlMs: number): Promise<boolean> {
    const entry = this.#live(key);
    if (entry !== undefined && entry.token !== token) return Promise.resolve(false);
    this.#set(key, undefined, ttlMs);
    return Promise.resolve(true);
  }

  release(key: string, token: string): Promise<void> {
    const entry = this.#live(key);
    if (entry !== undefined && entry.token === token) this.#delete(entry);
    return Promise.resolve();
  }

  /** The entry for `key` unless expired (then deleted), now the most recently used. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#delete(entry);
      return undefined;
    }
    this.#unlink(entry);
    this.#append(entry);
    return entry;
  }

  /** Sets `key` (claimed by `token`, or done) for `ms` as the most recently used, evicting the least recently used past `maxKeys`. */
  #set(key: string, token: string | undefined, ms: number): void {
    const expiresAt = Date.now() + ms;
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      entry.token = token;
      entry.expiresAt = expiresAt;
      this.#unlink(entry);
      this.#append(entry);
      return;
    }
    const added: Entry = { key, token, expiresAt, newer: undefined, older: undefined };
    this.#entries.set(key, added);
    this.#append(added);
    if (this.#entries.size > this.maxKeys) this.#delete(this.#oldest!);
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.key);
    this.#unlink(entry);
  }

  #append(entry: Entry): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest) this.#newest.newer = entry;
    else this.#oldest = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else if (this.#oldest === entry) this.#oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else if (this.#newest === entry) this.#newest = entry.older;
    entry.newer = undefined;
    entry.older = undefined;
  }
}
