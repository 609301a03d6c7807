import { randomUUID } from 'node:crypto';
import { MAX_TIMER_MS } from '../../pulse/consume-options.js';
import { PulseConfigError } from '../../pulse/pulse-errors.js';
import { sleep } from '../../pulse/sleep.js';
import { DedupInProgressError, storeFailure } from './dedup-errors.js';
import { eventKey, type KeyedEvent } from './event-key.js';
import type { DedupStore } from './store.js';

export interface DeduplicateOptions<M> {
  /** Where keys live: `MemoryDedupStore` for one process, `RedisDedupStore` for replicas sharing a queue. */
  readonly store: DedupStore;
  /** What identifies the event a message carries. Default `eventKey` (exchange, taskId, runId). */
  readonly key?: (message: M) => string;
  /**
   * How long a claim lasts without being renewed. A running handler renews
   * it every `leaseMs / 3`, so only a dead process (or a store out of reach)
   * lets it lapse; then another copy may run after at most this long. Default 30000.
   */
  readonly leaseMs?: number;
  /**
   * How long a key stays done after its handler succeeded: a copy arriving
   * within it is skipped, a copy arriving later runs again. Make it longer
   * than a message can wait in your queue (and than a backfill looks back).
   * Default 86400000 (a day).
   */
  readonly ttlMs?: number;
  /**
   * A copy whose key another run holds waits this long, polling, for that run
   * to finish (then it is skipped) or to fail or die (then it runs), before
   * going back to the queue with a `DedupInProgressError`. Default `leaseMs`:
   * long enough for a dead holder's lease to lapse, so a killed replica costs
   * its copies no delivery attempts.
   */
  readonly inProgressWaitMs?: number;
}

/** What a deduplicated handler returns (the `result` of a `handled` outcome of `consume()`). */
export type Deduplicated<R> =
  /**
   * The handler ran and succeeded. `recorded` is false when the store could
   * not mark the key done (unreachable, or the lease was lost to another run
   * after the store stayed out of reach): a later copy may run it again.
   */
  | { readonly status: 'ran'; readonly key: string; readonly result: R; readonly recorded: boolean }
  /** A run with this key had already succeeded: the handler did not run, and the message is acknowledged. */
  | { readonly status: 'duplicate'; readonly key: string };

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_TTL_MS = 86_400_000;
const MAX_KEY_LENGTH = 1_024;
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 1_000;

/**
 * Wraps a `consume()` handler so its effect happens once per event although
 * Pulse delivers at least once. Before the handler runs, its message's key is
 * claimed in `store` (a lease); after it succeeds the key is marked done for
 * `ttlMs`; when it fails the claim is released and the message is retried as
 * usual. A copy of a done key is skipped (`status: 'duplicate'`) and acked.
 *
 * A key is recorded only after the handler succeeds: a process that dies
 * between the effect and the record leaves no record, so the redelivered
 * message runs the handler again. Make effects idempotent where that matters.
 * Store failures never skip a message: it is retried (`DedupStoreError`).
 */
export function deduplicate<M extends KeyedEvent, R>(handler: (message: M) => R | PromiseLike<R>, options: DeduplicateOptions<M>): (message: M) => Promise<Deduplicated<R>> {
  if (typeof handler !== 'function') throw new PulseConfigError('handler', 'must be a function');
  const settings = resolveSettings(options);
  const { store, leaseMs, ttlMs, inProgressWaitMs } = settings;
  return async (message) => {
    const key = keyOf(settings.key, message);
    const token = randomUUID();
    const started = Date.now();
    for (let poll = FIRST_POLL_MS; ; poll = Math.min(poll * 2, MAX_POLL_MS)) {
      const claim = await store.claim(key, token, leaseMs).catch((error: unknown) => {
        // The claim may have been made before the store stopped answering: give it back if so.
        store.release(key, token).catch(() => undefined);
        throw storeFailure('claim', key, error);
      });
      if (claim.state === 'done') return { status: 'duplicate', key };
      if (claim.state === 'claimed') break;
      const left = inProgressWaitMs - (Date.now() - started);
      if (left <= 0) throw new DedupInProgressError(key, Date.now() - started);
      // Back off, but look again as the holder's lease runs out: it may have died.
      await sleep(Math.min(poll, left, claim.remainingMs + 5));
    }
    const renewal = setInterval(() => void store.renew(key, token, leaseMs).catch(() => undefined), Math.max(1, Math.floor(leaseMs / 3)));
    renewal.unref();
    let result: R;
    try {
      result = await handler(message);
    } catch (error) {
      clearInterval(renewal);
      await store.release(key, token).catch(() => undefined); // else the lease lapses
      throw error;
    }
    clearInterval(renewal);
    const recorded = await store.complete(key, token, ttlMs).catch(() => false);
    return { status: 'ran', key, result, recorded };
  };
}

interface Settings<M> {
  readonly store: DedupStore;
  readonly key: (message: M) => string;
  readonly leaseMs: number;
  readonly ttlMs: number;
  readonly inProgressWaitMs: number;
}

/** Checks the options, naming the field and the rule. */
function resolveSettings<M extends KeyedEvent>(options: DeduplicateOptions<M>): Settings<M> {
  const store = (options as Partial<DeduplicateOptions<M>> | undefined)?.store as Partial<DedupStore> | undefined;
  for (const method of ['claim', 'renew', 'complete', 'release'] as const) {
    if (typeof store?.[method] !== 'function') throw new PulseConfigError('store', 'must be a DedupStore (MemoryDedupStore, RedisDedupStore, or claim/renew/complete/release of your own)');
  }
  if (options.key !== undefined && typeof options.key !== 'function') throw new PulseConfigError('key', 'must be a function from a message to a string');
  const leaseMs = milliseconds('leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS, 10);
  return {
    store: store as DedupStore,
    key: options.key ?? eventKey,
    leaseMs,
    ttlMs: milliseconds('ttlMs', options.ttlMs ?? DEFAULT_TTL_MS, 1),
    inProgressWaitMs: milliseconds('inProgressWaitMs', options.inProgressWaitMs ?? leaseMs, 0),
  };
}

function milliseconds(field: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new PulseConfigError(field, `must be a whole number of milliseconds ${min}-${MAX_TIMER_MS}, got ${String(value)}`);
  }
  return value;
}

function keyOf<M>(key: (message: M) => string, message: M): string {
  const value: unknown = key(message);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    throw new PulseConfigError('key', `must return a non-empty string of at most ${MAX_KEY_LENGTH} characters, got ${typeof value === 'string' ? `${value.length} characters` : typeof value}`);
  }
  return value;
}
