import { randomUUID } from 'node:crypto';
import { HoldingQueueError, RetryQueueError } from './failure-errors.js';
import type { HandlerRun } from './in-flight-handlers.js';
import type { CopyPublisher, ReceivedMessage } from './pulse-message.js';
import type { RetryRoute } from './retry-queue.js';

/** RabbitMQ's default `consumer_timeout`: 30 minutes. */
export const DEFAULT_CONSUMER_TIMEOUT_MS = 1_800_000;
/** `handlerTimeoutMs: Infinity`: how long a held copy waits before it returns, should this process die. */
export const HOLD_CAP_MS = 24 * 3_600_000;

/** How long before the broker's timeout a message is moved: the lesser of 10% and 60 s (RabbitMQ 3.10 checks once a minute, so never later than *T*). */
export function holdMarginMs(consumerTimeoutMs: number): number {
  return Math.round(Math.min(consumerTimeoutMs * 0.1, 60_000));
}

/** What a held message's run ended in, as the session's retry policy decided. */
export type HeldEnding =
  | { readonly kind: 'handled' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'give-up'; readonly deadLetterExchange: string | undefined };

/**
 * Handlers that outlive the broker's consumer acknowledgement timeout keep
 * their message (`consumerTimeoutMs`, with `retryQueues`). A run still going
 * `holdAfterMs` after it started has its message moved: a confirmed copy goes
 * to a holding queue of its own, `queue/<ns>/<name>/held/<uuid>`, bound to
 * the retry exchange, then the delivery is acked, so the broker has nothing
 * overdue to close the channel for. The copy's TTL (what is left of
 * `handlerTimeoutMs`, plus the margin) dead-letters it back to the queue
 * should this process die; `x-expires` has the broker delete the empty queue
 * afterwards. When the run ends, the run owns the copy: the holding queue is
 * deleted once the message is where the outcome says (handled: nowhere; a
 * retry: its retry queue; given up: the dead-letter exchange). Whatever fails
 * leaves the copy to its TTL: a duplicate, never a loss.
 */
export class HeldMessages {
  readonly #timers = new Map<HandlerRun, NodeJS.Timeout>();
  readonly #held = new Map<ReceivedMessage, string>();
  readonly #holds = new Map<HandlerRun, Promise<void>>();

  constructor(
    private readonly route: RetryRoute,
    private readonly holdAfterMs: number,
    /** How long a held copy waits in its holding queue before it returns. */
    private readonly holdTtlMs: number,
    private readonly report: (error: Error) => void,
  ) {}

  /** Arms the move of a run that just started. */
  started(run: HandlerRun): void {
    // Unref'd: a watchdog must not keep the process alive by itself.
    const timer = setTimeout(() => {
      this.#timers.delete(run);
      const hold = this.#hold(run).finally(() => this.#holds.delete(run));
      this.#holds.set(run, hold);
    }, this.holdAfterMs).unref();
    this.#timers.set(run, timer);
  }

  /** The run is ending: no move from now on. Calls `next` at once, or once a move in progress is done (so its outcome knows where the message is). */
  ended(run: HandlerRun, next: () => void): void {
    clearTimeout(this.#timers.get(run));
    this.#timers.delete(run);
    const hold = this.#holds.get(run);
    if (hold) void hold.then(next);
    else next();
  }

  /** The holding queue of a message that was moved, or undefined. */
  heldIn(message: ReceivedMessage): string | undefined {
    return this.#held.get(message);
  }

  /** A held message whose run the stream gives up on (stopping): its copy is left to its TTL. */
  abandon(message: ReceivedMessage): void {
    this.#held.delete(message);
  }

  /**
   * Puts a held message where its run's ending says, then deletes its
   * holding queue; `publisher` is a live channel's (the message's own may be
   * gone). Resolves to the retry queue the message went to, if any; whatever
   * fails is reported and leaves the copy to its TTL (`left: true`).
   */
  async finish(message: ReceivedMessage, ending: HeldEnding, publisher: CopyPublisher | undefined): Promise<{ readonly left: boolean; readonly retryQueue?: string }> {
    const queue = this.#held.get(message)!;
    this.#held.delete(message);
    const leave = (error: Error) => (this.report(error), { left: true });
    if (!publisher) return leave(new HoldingQueueError(message.delivery, queue, 'release', { cause: new Error('no open channel') }));
    let retryQueue: string | undefined;
    if (ending.kind === 'retry') {
      retryQueue = this.route.queueFor(ending.delayMs);
      try {
        await publisher.publish(message, ending.delayMs);
      } catch (cause) {
        return leave(new RetryQueueError(message.delivery, retryQueue, { cause }));
      }
    } else if (ending.kind === 'give-up' && ending.deadLetterExchange !== undefined) {
      try {
        // Where a reject would have sent it: the dead-letter exchange, with its routing key.
        await publisher.publishCopy(message, ending.deadLetterExchange, message.routingKey, ending.deadLetterExchange);
      } catch (cause) {
        return leave(new HoldingQueueError(message.delivery, queue, 'release', { cause }));
      }
    }
    try {
      await publisher.queues.deleteQueue(queue);
    } catch (cause) {
      return leave(new HoldingQueueError(message.delivery, queue, 'release', { cause }));
    }
    return { left: false, ...(retryQueue ? { retryQueue } : {}) };
  }

  /** Moves a running handler's message to a holding queue of its own, then acks the delivery. */
  async #hold(run: HandlerRun): Promise<void> {
    const { message } = run;
    const publisher = message.channel.retryPublisher;
    // Over, settled by its handler, or its channel gone (the broker has it back): nothing to keep.
    if (run.state !== 'running' || message.settled || message.stale || !publisher) return;
    const id = randomUUID();
    const queue = `${this.route.queue}/held/${id}`;
    const { exchange, routingKeyPattern: returnKey } = this.route.returnBinding;
    try {
      await publisher.queues.assertQueue(queue, {
        durable: true,
        exclusive: false,
        autoDelete: false,
        arguments: {
          'x-queue-type': 'classic',
          'x-message-ttl': this.holdTtlMs,
          // Outlives the copy, so the copy dead-letters before the queue goes (an expiring queue drops its messages).
          'x-expires': this.holdTtlMs + Math.min(this.holdTtlMs, 60_000),
          'x-dead-letter-exchange': exchange,
          'x-dead-letter-routing-key': returnKey,
        },
      });
      await publisher.queues.bindQueue(queue, exchange, `hold.${id}`);
      await publisher.publishCopy(message, exchange, `hold.${id}`, queue);
    } catch (cause) {
      this.report(new HoldingQueueError(message.delivery, queue, 'hold', { cause }));
      await deleteQuietly(publisher, queue);
      return;
    }
    // The handler settled it meanwhile, or the channel went (the broker has the original back): drop the copy.
    if (message.settled || message.ack() !== 'sent') return void (await deleteQuietly(publisher, queue));
    this.#held.set(message, queue);
  }
}

/** Holding queues for runs outliving the broker's acknowledgement timeout: only when handlers may run that long, with retry queues. */
export function holdingFor(
  route: RetryRoute | undefined,
  timeouts: { readonly holdAfterMs: number | undefined; readonly handlerTimeoutMs: number; readonly consumerTimeoutMs: number },
  report: (error: Error) => void,
): HeldMessages | undefined {
  const { holdAfterMs, handlerTimeoutMs, consumerTimeoutMs } = timeouts;
  if (holdAfterMs === undefined || !route) return undefined;
  // Back when the run would have timed out, with the margin to settle it; a cap when it never times out.
  const ttl = Math.min(handlerTimeoutMs - holdAfterMs + holdMarginMs(consumerTimeoutMs), HOLD_CAP_MS);
  return new HeldMessages(route, holdAfterMs, ttl, report);
}

async function deleteQuietly(publisher: CopyPublisher, queue: string): Promise<void> {
  try {
    await publisher.queues.deleteQueue(queue);
  } catch {
    // Its x-expires deletes it anyway.
  }
}
