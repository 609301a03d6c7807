import { PulseConfigError } from './client-options.js';
import { DEFAULT_CONSUMER_TIMEOUT_MS, holdMarginMs } from './held-messages.js';
import type { FailureClassifier } from './failure-classifier.js';
import type { ConsumeOutcome } from './consume-outcome.js';
import type { QueueOptions } from './queue-options.js';
import type { Observable } from './rxjs-core.js';

/** Handles one message; success is a returned value, a resolved promise, or a completed observable. */
export type ConsumeHandler<M, R> = (message: M) => R | PromiseLike<R> | Observable<R>;

/** Where a stream's consumer reads from, once its queue is declared and bound. */
export interface ConsumingInfo {
  readonly queue: string;
  readonly consumerTag: string;
  /** Consuming again after a reconnection, channel error or cancel; an ephemeral queue is a new one then (what was published meanwhile is not in it). */
  readonly resumed: boolean;
}

export interface ConsumeOptions<M = unknown, R = unknown> extends QueueOptions {
  /** Handlers running at once. Default 8. */
  readonly concurrency?: number;
  /**
   * Deliveries a message gets before it is given up: dead-lettered when
   * `deadLetter` is set, else dropped, with an `error` event either way.
   * Default 5. Counted by the broker on quorum queues, by the client on
   * classic ones (never too early); never from a header a publisher sets.
   */
  readonly maxDeliveries?: number;
  /**
   * Wait before requeueing a failed message, by the delivery that failed, so a
   * handler failing on an outage is not retried in a tight loop. Default
   * `min(1000 * 2^(n-1), 30000)` ms. The wait holds the message (it counts
   * against `prefetch`) but no concurrency slot. A function that throws or
   * returns something other than a number of milliseconds gets the default,
   * and a `RetryDelayError` event.
   */
  readonly retryDelayMs?: number | ((deliveryCount: number) => number);
  /**
   * Whether a handler's failure is worth retrying: `'retry'` (up to
   * `maxDeliveries`) or `'dead-letter'` (dead-lettered at once, or dropped
   * without `deadLetter`, with a `PermanentFailureError` event). Not asked
   * about a `PermanentError`, which is always dead-lettered. Without it,
   * anything else is retried; so is a failure it throws on or answers
   * something else for, with a `FailureClassifierError` event.
   */
  readonly classifyFailure?: FailureClassifier;
  /**
   * Named queues only. Wait out retry delays in retry queues instead of in
   * this process: a failed message is published (confirmed) to
   * `queue/<ns>/<queueName>/retry/<delay>` and acked, and the broker moves it
   * back when its delay is over (dead-lettering on the TTL). While it waits
   * it holds neither a concurrency slot nor a `prefetch` place, survives a
   * restart, and comes back with its original exchange, routing key, routes
   * and properties. Delays come from `retryDelayMs` for deliveries 1 to
   * `maxDeliveries - 1`, one queue per distinct delay (at most 16). Not on
   * `memory://` (no message TTLs there). Default false.
   */
  readonly retryQueues?: boolean;
  /**
   * A handler still running after this long counts as failed (retry policy
   * applies), is reported as a `HandlerTimeoutError` and frees its slot; what
   * it does later is ignored. Default 300000 (5 min: one REST call through all
   * its retries takes at most about 3); `Infinity` waits forever.
   * Longer than `consumerTimeoutMs` (less its margin): see there.
   */
  readonly handlerTimeoutMs?: number;
  /**
   * The broker's consumer acknowledgement timeout (RabbitMQ's
   * `consumer_timeout`): it closes a channel with a delivery unacknowledged for
   * longer, and redelivers what the channel held. Default 1800000 (30 min,
   * RabbitMQ's default). Matters only when `handlerTimeoutMs` is longer than it
   * less a margin (the lesser of 10% and 60 s), and then needs `retryQueues`:
   * a handler still running at that point has its message moved to a holding
   * queue of its own (`queue/<ns>/<queueName>/held/<uuid>`; a confirmed copy,
   * then the delivery is acked), so the channel survives and the message is
   * handled once. The run then owns the copy: when the handler ends the
   * holding queue is deleted, after a failure once the copy is in its retry
   * queue (or dead-lettered). Should the process die, or the stream stop
   * first, the copy returns to the queue at its TTL (what is left of
   * `handlerTimeoutMs` plus the margin; 24 h with `Infinity`), counting as a
   * failed delivery. Outcomes of such messages carry `holdingQueue`.
   * Without `retryQueues` such a handler loses its channel (a
   * `ChannelClosedError`, code 406) and its message is delivered again
   * meanwhile; giving this option there is refused.
   */
  readonly consumerTimeoutMs?: number;
  /**
   * Aborting it stops the stream gracefully: no new messages are taken,
   * running handlers finish (at most `closeTimeoutMs`), every message held
   * gets an outcome (`released` if it went back to the queue unhandled),
   * then the stream completes.
   */
  readonly signal?: AbortSignal;
  /**
   * Ends the stream when a condition is met: called after each outcome is
   * emitted; once it returns true the stream stops as on `signal` (running
   * handlers finish, every message held gets an outcome, bounded by
   * `closeTimeoutMs`), then completes. A predicate that throws stops it too,
   * with an `error` event.
   */
  until?(outcome: ConsumeOutcome<M, R>): boolean;
  /**
   * Called each time this stream's consumer starts, after its queue is
   * declared and bound: from then on every message published to the bindings
   * reaches it. The moment to read current state (e.g. over REST) without
   * missing what changes meanwhile; `resumed` says to read it again.
   */
  onConsuming?(info: ConsumingInfo): void;
}

/** The options as a consume stream uses them. */
export interface ConsumeSettings {
  readonly concurrency: number;
  readonly maxDeliveries: number;
  readonly retryDelayMs: number | ((deliveryCount: number) => number) | undefined;
  readonly classifyFailure: FailureClassifier | undefined;
  readonly retryQueues: boolean;
  readonly handlerTimeoutMs: number;
  readonly consumerTimeoutMs: number;
  /** When a running handler's message is moved to a holding queue; undefined when handlers never run that long (or without `retryQueues`). */
  readonly holdAfterMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly until: ((outcome: ConsumeOutcome<unknown, unknown>) => boolean) | undefined;
  readonly onConsuming: ((info: ConsumingInfo) => void) | undefined;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_DELIVERIES = 5;
const DEFAULT_HANDLER_TIMEOUT_MS = 300_000;
/** Longer than this, Node's timers fire at once instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Checks the options, naming the field and the rule; before any network I/O. */
export function resolveConsumeSettings<M, R>(options: ConsumeOptions<M, R>): ConsumeSettings {
  const retryDelayMs = options.retryDelayMs;
  if (retryDelayMs !== undefined && typeof retryDelayMs !== 'function' && !isDelay(retryDelayMs)) {
    throw new PulseConfigError('retryDelayMs', `must be a number of milliseconds 0-${MAX_TIMER_MS} or a function, got ${String(retryDelayMs)}`);
  }
  const handlerTimeoutMs = options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  if (typeof handlerTimeoutMs !== 'number' || !(handlerTimeoutMs > 0) || (handlerTimeoutMs > MAX_TIMER_MS && handlerTimeoutMs !== Infinity)) {
    throw new PulseConfigError('handlerTimeoutMs', `must be a number of milliseconds 1-${MAX_TIMER_MS}, or Infinity, got ${String(handlerTimeoutMs)}`);
  }
  const classifyFailure = options.classifyFailure;
  if (classifyFailure !== undefined && typeof classifyFailure !== 'function') {
    throw new PulseConfigError('classifyFailure', `must be a function (error, message) => "retry" | "dead-letter", got ${typeof classifyFailure}`);
  }
  const retryQueues = options.retryQueues ?? false;
  if (typeof retryQueues !== 'boolean') throw new PulseConfigError('retryQueues', `must be true or false, got ${String(retryQueues)}`);
  if (retryQueues && options.queueName === undefined) {
    throw new PulseConfigError('retryQueues', 'needs a named queue (queueName): retry queues outlive the connection, an ephemeral queue does not');
  }
  if (retryQueues && options.staleBindings === 'handover') {
    // A handover renames the queue per binding set; the retry queues are named after (and return to) one queue.
    throw new PulseConfigError('retryQueues', 'cannot be combined with staleBindings "handover" (the queue is renamed per binding set); use staleBindings "remove"');
  }
  const consumerTimeoutMs = options.consumerTimeoutMs ?? DEFAULT_CONSUMER_TIMEOUT_MS;
  if (typeof consumerTimeoutMs !== 'number' || !Number.isInteger(consumerTimeoutMs) || consumerTimeoutMs < 1_000 || consumerTimeoutMs > MAX_TIMER_MS) {
    throw new PulseConfigError('consumerTimeoutMs', `must be an integer number of milliseconds 1000-${MAX_TIMER_MS} (the broker's consumer_timeout), got ${String(consumerTimeoutMs)}`);
  }
  const holdAt = consumerTimeoutMs - holdMarginMs(consumerTimeoutMs);
  const outlivesBroker = handlerTimeoutMs > holdAt;
  if (outlivesBroker && !retryQueues && options.consumerTimeoutMs !== undefined) {
    // Asked for explicitly: keeping the message needs the retry exchange to bring a held copy back (a named queue, not memory://).
    throw new PulseConfigError('consumerTimeoutMs', `with handlerTimeoutMs ${String(handlerTimeoutMs)} (past ${holdAt} ms) needs retryQueues: true, to move long runs' messages to holding queues; or keep handlerTimeoutMs at most ${holdAt}`);
  }
  const signal = options.signal;
  if (signal !== undefined && !isAbortSignal(signal)) throw new PulseConfigError('signal', 'must be an AbortSignal');
  const until = optionalFunction('until', options.until, '(outcome) => boolean') as ConsumeSettings['until'];
  const onConsuming = optionalFunction('onConsuming', options.onConsuming, '({queue, consumerTag, resumed}) => void');
  return {
    concurrency: positiveInteger('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY),
    maxDeliveries: positiveInteger('maxDeliveries', options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES),
    retryDelayMs,
    classifyFailure,
    retryQueues,
    handlerTimeoutMs,
    consumerTimeoutMs,
    holdAfterMs: outlivesBroker && retryQueues ? holdAt : undefined,
    signal,
    until: until?.bind(options),
    onConsuming: onConsuming?.bind(options),
  };
}

function optionalFunction<F extends (...args: never[]) => unknown>(field: string, value: F | undefined, shape: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new PulseConfigError(field, `must be a function ${shape}, got ${typeof value}`);
  return value;
}

/** A usable delay: a finite number of milliseconds a timer can wait. */
export function isDelay(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS;
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new PulseConfigError(field, `must be a positive integer, got ${String(value)}`);
  return value;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  const signal = value as Partial<AbortSignal> | null;
  return typeof signal?.aborted === 'boolean' && typeof signal.addEventListener === 'function';
}
