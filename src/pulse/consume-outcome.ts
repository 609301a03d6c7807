import type { ReleaseReason } from './pulse-errors.js';
import type { ReceivedMessage, SettleResult } from './pulse-message.js';

/** What every outcome carries. */
interface OutcomeBase<M> {
  readonly message: M;
  /** Which delivery of the message this was, counting from 1 (see `maxDeliveries`). */
  readonly deliveryCount: number;
  /**
   * The handler outlived `consumerTimeoutMs` (less its margin): its delivery
   * was acked once a copy was in this holding queue. Deleted once the outcome
   * holds; where it could not be (reported), or on `released`, the copy
   * returns to the queue from there at its TTL.
   */
  readonly holdingQueue?: string;
}

/** The handler succeeded; `consume()` acked the message. */
export interface HandledOutcome<M, R> extends OutcomeBase<M> {
  readonly status: 'handled';
  readonly settledBy: 'consumer';
  readonly result: R;
  /** `'channel-closed'`: the ack could not be sent, the broker delivers the message again. */
  readonly ack: SettleResult;
}

/** The handler failed (threw, rejected, errored, or outran `handlerTimeoutMs`); the message went back to the queue for another delivery. */
export interface RetryingOutcome<M> extends OutcomeBase<M> {
  readonly status: 'retrying';
  readonly settledBy: 'consumer';
  readonly error: unknown;
  /**
   * `'sent'` after `retryDelayMs`; `'channel-closed'` when the channel went first (the broker requeued it).
   * With `retryQueues`: the ack of the original, sent once its copy was in the retry queue.
   */
  readonly requeue: SettleResult;
  /** With `retryQueues`: the retry queue the message waits in (absent when it was retried in place instead). */
  readonly retryQueue?: string;
}

/**
 * The handler failed on delivery `maxDeliveries` (`reason: 'delivery-limit'`),
 * or permanently (`'permanent'`: a `PermanentError`, or `classifyFailure` said
 * so) on any delivery: rejected without requeue, to the dead-letter exchange
 * if there is one.
 */
export interface GivenUpOutcome<M> extends OutcomeBase<M> {
  readonly status: 'dead-lettered' | 'dropped';
  readonly settledBy: 'consumer';
  readonly reason: GiveUpReason;
  readonly error: unknown;
}

/** Why `consume()` gave a message up. */
export type GiveUpReason = 'delivery-limit' | 'permanent';

/**
 * The stream stopped (`signal`, `client.close()`) before the message was done
 * with: it went back to the queue unhandled. `reason` says where it was;
 * `error` is the handler's failure for `handler-failed` and `retry-pending`,
 * else undefined. An ephemeral queue is deleted at stop, and these messages with it.
 */
export interface ReleasedOutcome<M> extends OutcomeBase<M> {
  readonly status: 'released';
  readonly settledBy: 'consumer';
  readonly reason: ReleaseReason;
  readonly error: unknown;
  /** `'channel-closed'`: requeued by the channel closing rather than by a nack. */
  readonly requeue: SettleResult;
}

/** How a handler that settled its message itself ended: returned `result`, or threw `error` (afterwards; it changes nothing). */
export type HandlerEnding<R> = { readonly result: R; readonly error?: undefined } | { readonly result?: undefined; readonly error: unknown };

/**
 * The handler called `message.ack()` or `message.nack()` itself, and the
 * status is what that call did: `handled` (acked), `requeued`, or
 * `dead-lettered`/`dropped` (nack without requeue). `consume()` settled nothing.
 */
export type SettledByHandlerOutcome<M, R> = OutcomeBase<M> & {
  readonly status: 'handled' | 'requeued' | 'dead-lettered' | 'dropped';
  readonly settledBy: 'handler';
  /** What the handler's `ack()`/`nack()` returned. */
  readonly settle: SettleResult;
} & HandlerEnding<R>;

/** What became of one message: one outcome per message, emitted once it is settled. */
export type ConsumeOutcome<M, R = unknown> = HandledOutcome<M, R> | RetryingOutcome<M> | GivenUpOutcome<M> | ReleasedOutcome<M> | SettledByHandlerOutcome<M, R>;

/** The outcome of a message its handler settled (`message.settled`). */
export function settledByHandler<R>(message: ReceivedMessage, deliveryCount: number, ending: HandlerEnding<R>, deadLetters: boolean): SettledByHandlerOutcome<ReceivedMessage, R> {
  const settlement = message.settlement!;
  const status = settlement.operation === 'ack' ? 'handled' : settlement.requeue ? 'requeued' : deadLetters ? 'dead-lettered' : 'dropped';
  return { status, settledBy: 'handler', message, deliveryCount, settle: settlement.result, ...ending };
}
