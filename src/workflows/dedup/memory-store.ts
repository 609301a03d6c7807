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

type Entry = { readonly token: string; readonly expiresAt: number } | { readonly token: undefined; readonly expiresAt: number };

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Deduplication keys in this process's memory: for one bot process (several
 * replicas need `RedisDedupStore`). Least recently used keys go first once
 * `maxKeys` is reached; expired ones when next touched or evicted. Every
 * operation is O(1) (a `Map` kept in use order) and never fails.
 */
export class MemoryDedupStore implements DedupStore {
  readonly maxKeys: number;
  readonly #entries = new Map<string, Entry>();

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
      this.#set(key, { token, expiresAt: Date.now() + leaseMs });
      return Promise.resolve({ state: 'claimed' });
    }
    if (entry.token === undefined) return Promise.resolve({ state: 'done' });
    return Promise.resolve({ state: 'in-progress', remainingMs: Math.max(0, entry.expiresAt - Date.now()) });
  }

  renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    if (this.#live(key)?.token !== token) return Promise.resolve(false);
    this.#set(key, { token, expiresAt: Date.now() + leaseMs });
    return Promise.resolve(true);
  }

  complete(key: string, token: string, ttlMs: number): Promise<boolean> {
    const entry = this.#live(key);
    if (entry !== undefined && entry.token !== token) return Promise.resolve(false);
    this.#set(key, { token: undefined, expiresAt: Date.now() + ttlMs });
    return Promise.resolve(true);
  }

  release(key: string, token: string): Promise<void> {
    if (this.#live(key)?.token === token) this.#entries.delete(key);
    return Promise.resolve();
  }

  /** The entry for `key` unless expired (then deleted), now the most recently used; a `done` entry has no token. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    this.#entries.set(key, entry);
    return entry;
  }

  /** Stores `entry` as the most recently used, evicting the least recently used past `maxKeys`. */
  #set(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
