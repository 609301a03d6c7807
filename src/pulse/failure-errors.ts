/**
 * Errors about handler failures that are not worth retrying: the one a
 * handler throws to say so, and the ones `consume()` reports when it
 * dead-letters such a message or cannot classify a failure.
 */

import { causeText, PulseError } from './error-json.js';
import { deliveredFrom, DeliveryError, GaveUpOnMessageError, type DeliveryInfo } from './pulse-errors.js';

/**
 * Throw it (or reject with it) from a `consume()` handler when retrying cannot
 * help (a malformed task definition, a 404 that will stay a 404): the message
 * is dead-lettered on this delivery, or dropped when the queue has no
 * `deadLetter`, instead of being retried up to `maxDeliveries`. Wrap the real
 * failure as `cause`. A `classifyFailure` option can make other errors permanent too;
 * it is not asked about a `PermanentError`.
 */
export class PermanentError extends PulseError {
  override readonly name = 'PermanentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A handler failed in a way classified as permanent (a `PermanentError`, or
 * `classifyFailure` said `'dead-letter'`): the message was dead-lettered at
 * once, or dropped when the queue has no dead-letter exchange; not retried.
 */
export class PermanentFailureError extends GaveUpOnMessageError {
  override readonly name = 'PermanentFailureError';
  constructor(delivery: DeliveryInfo, pulseMessage: unknown, deliveryCount: number, deadLettered: boolean, options: { cause: unknown }) {
    super(delivery, pulseMessage, deliveryCount, deadLettered, true, options);
  }
}

/** A `classifyFailure` function threw or answered something other than `'retry'` or `'dead-letter'`; the failure was retried (as if it had said `'retry'`). */
export class FailureClassifierError extends DeliveryError {
  override readonly name = 'FailureClassifierError';
  constructor(delivery: DeliveryInfo, problem: string, options?: { cause?: unknown }) {
    super(delivery, `classifyFailure ${problem} for a message ${deliveredFrom(delivery)}; retrying it`, options);
  }
}

/**
 * With `retryQueues`: a failed message's copy could not be placed in its
 * retry queue (not confirmed, unroutable, channel closed), so it waits out its
 * delay in this process instead, as without `retryQueues`. Nothing is lost.
 */
export class RetryQueueError extends DeliveryError {
  override readonly name = 'RetryQueueError';
  constructor(
    delivery: DeliveryInfo,
    readonly retryQueue: string,
    options: { cause: unknown },
  ) {
    super(delivery, `could not move a failed message ${deliveredFrom(delivery)} to ${retryQueue}: ${causeText(options.cause)}; retrying it in place`, options);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...super.jsonFields(), retryQueue: this.retryQueue };
  }
}

/**
 * A long run's holding queue could not be set up or cleaned up (`consumerTimeoutMs`).
 * `step` says which: `hold` (the message stays on its delivery, as without
 * holding: the broker may close the channel and redeliver it), or `release`
 * (the copy is left in its holding queue and returns to the queue at its TTL:
 * a duplicate, never a loss).
 */
export class HoldingQueueError extends DeliveryError {
  override readonly name = 'HoldingQueueError';
  constructor(
    delivery: DeliveryInfo,
    readonly holdingQueue: string,
    readonly step: 'hold' | 'release',
    options: { cause: unknown },
  ) {
    const consequence = step === 'hold' ? 'it stays unacknowledged on its delivery' : 'its copy returns from there at its TTL';
    super(delivery, `could not ${step === 'hold' ? 'move' : 'release'} a long-running message ${deliveredFrom(delivery)} ${step === 'hold' ? 'to' : 'held in'} ${holdingQueue}: ${causeText(options.cause)}; ${consequence}`, options);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...super.jsonFields(), holdingQueue: this.holdingQueue, step: this.step };
  }
}
