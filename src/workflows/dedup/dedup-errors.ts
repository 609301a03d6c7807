/**
 * What deduplication throws from a wrapped handler. Both mean "not handled
 * this time, try again later": `consume()` requeues the message by its retry
 * policy, so a message is never skipped because of them.
 */
import { causeText, PulseError, redactInPlace } from '../../pulse/error-json.js';

/**
 * Another run holds the message's key and was still running (its lease kept
 * alive) after `inProgressWaitMs`. Running this copy now could apply the
 * effect twice, skipping it could lose it if that run fails: it goes back to
 * the queue, and a later delivery finds the key done (skipped) or free (runs).
 */
export class DedupInProgressError extends PulseError {
  override readonly name = 'DedupInProgressError';
  /** Always true: `consume()` should requeue the message. */
  readonly retryable = true;
  constructor(
    readonly key: string,
    readonly waitedMs: number,
  ) {
    super(`deduplication key "${key}" is held by another run still in progress after waiting ${waitedMs} ms; the message goes back to the queue for a later delivery`);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { key: this.key, waitedMs: this.waitedMs, retryable: true };
  }
}

/** What the store was doing when it failed. */
export type DedupStoreOperation = 'claim' | 'renew' | 'complete' | 'release';

/**
 * The store failed or did not answer within its deadline while claiming a
 * key: the handler did not run, and the message goes back to the queue. (A
 * store failing after the handler succeeded does not throw: see
 * `Deduplicated.recorded`.) The cause's text has credentials masked.
 */
export class DedupStoreError extends PulseError {
  override readonly name = 'DedupStoreError';
  /** Always true: `consume()` should requeue the message. */
  readonly retryable = true;
  constructor(
    readonly operation: DedupStoreOperation,
    readonly key: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`deduplication store failed to ${operation} key "${key}": ${problem}`, options);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { operation: this.operation, key: this.key, retryable: true };
  }
}

/** A store call that failed, as a `DedupStoreError` naming its cause (credentials masked). */
export function storeFailure(operation: DedupStoreOperation, key: string, cause: unknown): DedupStoreError {
  if (cause instanceof DedupStoreError) return cause;
  return new DedupStoreError(operation, key, causeText(cause), { cause: redactInPlace(cause) });
}
