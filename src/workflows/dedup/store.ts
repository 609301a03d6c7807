/**
 * Where deduplication keeps its keys. A key is in one of three states:
 * absent, claimed by one run (a lease with a token, which expires unless
 * renewed), or done (kept for a TTL). Every operation is atomic in the store,
 * so two replicas can never both claim one key.
 */

/** What `claim()` found. */
export type ClaimResult =
  /** The key was absent (or its lease had expired): this token holds it now. */
  | { readonly state: 'claimed' }
  /** A run with this key succeeded earlier (within the TTL). */
  | { readonly state: 'done' }
  /** Another token holds the key; its lease ends in `remainingMs` unless renewed. */
  | { readonly state: 'in-progress'; readonly remainingMs: number };

/**
 * A deduplication store: `MemoryDedupStore` (one process) or
 * `RedisDedupStore` (replicas sharing a queue), or your own. Each operation
 * must be atomic and should fail (reject) within a deadline rather than hang;
 * `deduplicate()` never runs a handler unless `claim()` said `claimed`.
 */
export interface DedupStore {
  /** Claims `key` for `token` for `leaseMs`, unless it is done or held by another token. */
  claim(key: string, token: string, leaseMs: number): Promise<ClaimResult>;
  /** Extends `token`'s lease on `key` to `leaseMs` from now; false when `token` no longer holds it. */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /**
   * Marks `key` done for `ttlMs`, if `token` holds it or nobody does (its
   * lease expired unclaimed); false when another token holds it.
   */
  complete(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Deletes `token`'s claim on `key` (the run failed), so another copy may run at once. */
  release(key: string, token: string): Promise<void>;
}
