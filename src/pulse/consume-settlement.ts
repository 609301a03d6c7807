import type { ConsumeSettings } from './consume-options.js';
import { type ConsumeOutcome, type GiveUpReason, settledByHandler } from './consume-outcome.js';
import type { DeliveryCounter } from './delivery-counter.js';
import { redactInPlace } from './error-json.js';
import { verdictOf, type FailureVerdict } from './failure-classifier.js';
import { PermanentFailureError, RetryQueueError } from './failure-errors.js';
import type { HeldMessages } from './held-messages.js';
import { HeldOutcomes } from './held-outcomes.js';
import { DeliveryLimitError, MessageReleasedError, type ReleaseReason } from './pulse-errors.js';
import type { DeliveryChannel, ReceivedMessage } from './pulse-message.js';
import type { QueueDeclaration } from './queue-options.js';
import type { RetryRoute } from './retry-queue.js';
import { retryDelayOf } from './retry-delay.js';
import { RetryWaits } from './retry-waits.js';

type Outcome<R> = ConsumeOutcome<ReceivedMessage, R>;
type RetryPublisherLike = NonNullable<DeliveryChannel['retryPublisher']>;

/** Where a session's outcomes and reports go. */
export interface SessionOutput<R> {
  /** Emits an outcome; false when nobody is subscribed any more. */
  emit(outcome: Outcome<R>): boolean;
  /** The client's `error` event. */
  report(error: Error): void;
}

/**
 * How a consume session (consume-session.ts) settles a message once its handler has ended
 * (or will not run): acked, retried (in place or through a retry queue),
 * given up, or handed back because the stream stops; exactly once, with one
 * outcome. It holds no slots: the session decides when a handler runs and
 * when it has ended; this decides what becomes of the message.
 */
export class ConsumeSettlement<R> {
  readonly #retries = new RetryWaits();
  readonly #retryDelay: (deliveryCount: number) => number;
  readonly #verdict: (error: unknown, message: ReceivedMessage) => FailureVerdict;
  readonly #heldOutcomes: HeldOutcomes<R> | undefined;
  /** The stream stops: a failed message is handed back, not retried. */
  #draining = false;

  constructor(
    private readonly settings: ConsumeSettings,
    private readonly declaration: QueueDeclaration,
    private readonly counter: DeliveryCounter,
    private readonly holding: HeldMessages | undefined,
    private readonly output: SessionOutput<R>,
    /** The `error` event, isolated from a throwing listener. */
    private readonly report: (error: Error) => void,
    /** The channel messages arrive on now: held copies are settled over it while it lives. */
    private readonly latestChannel: () => DeliveryChannel | undefined,
  ) {
    this.#retryDelay = retryDelayOf(settings.retryDelayMs, report);
    this.#verdict = verdictOf(settings.classifyFailure, report);
    this.#heldOutcomes = holding && new HeldOutcomes(holding, settings, declaration, this.#verdict, (outcome) => this.#emit(outcome), report);
  }

  /** The stream stops: hands back `notStarted` and the messages waiting for a retry; from now on failures are handed back too. */
  drain(notStarted: readonly ReceivedMessage[]): void {
    this.#draining = true;
    for (const message of notStarted) {
      // A stale one is back in the queue already, and was never ours to report.
      if (!message.stale) this.release(message, this.counter.count(message), 'not-started', undefined);
    }
    for (const wait of this.#retries.take()) this.release(wait.message, wait.deliveryCount, 'retry-pending', wait.error);
  }

  /** A channel is gone: its messages waiting for a retry are back in the queue already. */
  channelGone(channel: DeliveryChannel): void {
    for (const wait of this.#retries.take((w) => w.message.channel === channel)) this.requeuedByChannel(wait.message, wait.deliveryCount, wait.error);
  }

  succeeded(message: ReceivedMessage, deliveryCount: number, result: R): void {
    if (this.holding?.heldIn(message)) return this.#heldRunEnded(message, deliveryCount, { result });
    if (message.settled) return this.#settledByHandler(message, deliveryCount, { result });
    this.counter.settled(message);
    const ack = message.ack();
    this.#emit({ status: 'handled', settledBy: 'consumer', message, deliveryCount, result, ack });
  }

  failed(message: ReceivedMessage, deliveryCount: number, thrown: unknown): void {
    // What a handler threw goes on to outcomes, error events and logs: without the credentials it may quote.
    const error = redactInPlace(thrown);
    if (this.holding?.heldIn(message)) return this.#heldRunEnded(message, deliveryCount, { error });
    if (message.settled) return this.#settledByHandler(message, deliveryCount, { error });
    if (message.stale) return this.requeuedByChannel(message, deliveryCount, error);
    if (this.#verdict(error, message) === 'dead-letter') return this.#giveUp(message, deliveryCount, error, 'permanent');
    if (deliveryCount >= this.settings.maxDeliveries) return this.#giveUp(message, deliveryCount, error, 'delivery-limit');
    this.counter.requeued(message, deliveryCount);
    if (this.#draining) return this.release(message, deliveryCount, 'handler-failed', error);
    const route = this.declaration.retryRoute;
    const publisher = message.channel.retryPublisher;
    if (route && publisher) return this.#moveToRetryQueue(message, deliveryCount, error, route, publisher);
    this.#waitInPlace(message, deliveryCount, error);
  }

  #waitInPlace(message: ReceivedMessage, deliveryCount: number, error: unknown): void {
    this.#retries.wait({ message, deliveryCount, error }, this.#retryDelay(deliveryCount), (wait) => this.#retryDue(wait.message, wait.deliveryCount, wait.error));
  }

  /**
   * Publishes a confirmed copy to the retry queue of its delay, then acks the
   * original: nothing is held while it waits. If the copy cannot be placed,
   * the message waits in place instead (reported); if the channel went
   * meanwhile, the broker has it back already.
   */
  #moveToRetryQueue(message: ReceivedMessage, deliveryCount: number, error: unknown, route: RetryRoute, publisher: RetryPublisherLike): void {
    const delayMs = route.delayAfter(deliveryCount);
    publisher.publish(message, delayMs).then(
      () => {
        // The copy is safe; an ack the closed channel cannot send makes a duplicate, never a loss.
        const ack = message.ack();
        this.#emit({ status: 'retrying', settledBy: 'consumer', message, deliveryCount, error, requeue: ack, retryQueue: route.queueFor(delayMs) });
      },
      (cause: unknown) => {
        if (message.stale) return this.requeuedByChannel(message, deliveryCount, error);
        this.report(new RetryQueueError(message.delivery, route.queueFor(delayMs), { cause }));
        if (this.#draining) return this.release(message, deliveryCount, 'handler-failed', error);
        this.#waitInPlace(message, deliveryCount, error);
      },
    );
  }

  #retryDue(message: ReceivedMessage, deliveryCount: number, error: unknown): void {
    // A handler that timed out may have settled the message meanwhile.
    if (message.settled) return this.#settledByHandler(message, deliveryCount, { error });
    this.#emit({ status: 'retrying', settledBy: 'consumer', message, deliveryCount, error, requeue: message.nack({ requeue: true }) });
  }

  #giveUp(message: ReceivedMessage, deliveryCount: number, error: unknown, reason: GiveUpReason): void {
    const rejected = message.nack({ requeue: false });
    // The channel went between the check and the nack: the broker has it back.
    if (rejected !== 'sent') return this.requeuedByChannel(message, deliveryCount, error);
    this.counter.settled(message);
    const deadLettered = this.declaration.deadLetterExchange !== undefined;
    const GivenUpError = reason === 'permanent' ? PermanentFailureError : DeliveryLimitError;
    this.report(new GivenUpError(message.delivery, message, deliveryCount, deadLettered, { cause: error }));
    this.#emit({ status: deadLettered ? 'dead-lettered' : 'dropped', settledBy: 'consumer', message, deliveryCount, reason, error });
  }

  /** The handler failed on a message whose channel is gone: the broker redelivers it, no need to wait. */
  requeuedByChannel(message: ReceivedMessage, deliveryCount: number, error: unknown): void {
    this.counter.requeued(message, deliveryCount);
    if (this.#draining) return this.release(message, deliveryCount, 'handler-failed', error);
    this.#emit({ status: 'retrying', settledBy: 'consumer', message, deliveryCount, error, requeue: 'channel-closed' });
  }

  /** The handler settled the message itself: the outcome is what it did. */
  #settledByHandler(message: ReceivedMessage, deliveryCount: number, ending: { readonly result: R } | { readonly error: unknown }): void {
    const outcome = settledByHandler(message, deliveryCount, ending, this.declaration.deadLetterExchange !== undefined);
    if (outcome.status === 'requeued') this.counter.requeued(message, deliveryCount);
    else this.counter.settled(message);
    this.#emit(outcome);
  }

  /** Hands a message back unhandled because the stream stops. */
  release(message: ReceivedMessage, deliveryCount: number, reason: ReleaseReason, error: unknown): void {
    const requeue = message.stale ? 'channel-closed' : message.nack({ requeue: true });
    if (this.#emit({ status: 'released', settledBy: 'consumer', message, deliveryCount, reason, error, requeue })) return;
    const lost = this.declaration.deleteOnStop;
    this.report(new MessageReleasedError(message.delivery, message, reason, lost, error === undefined ? undefined : { cause: error }));
  }

  /** A held message's run ended: its copy is settled over a live channel (its own may be gone; a held message does not depend on it). */
  #heldRunEnded(message: ReceivedMessage, deliveryCount: number, ending: { readonly result: R } | { readonly error: unknown }): void {
    this.counter.settled(message);
    const latest = this.latestChannel();
    const publisher = (latest?.alive ? latest : message.channel).retryPublisher;
    if ('error' in ending) this.#heldOutcomes!.failed(message, deliveryCount, ending.error, publisher);
    else this.#heldOutcomes!.handled(message, deliveryCount, ending.result, publisher);
  }

  /** The stream stops with a held message's run still going: its copy is left to return at its TTL. */
  heldAbandoned(message: ReceivedMessage, deliveryCount: number, holdingQueue: string): void {
    if (this.#emit({ status: 'released', settledBy: 'consumer', message, deliveryCount, reason: 'handler-unfinished', error: undefined, requeue: 'already-settled', holdingQueue })) return;
    this.report(new MessageReleasedError(message.delivery, message, 'handler-unfinished', false));
  }

  #emit(outcome: Outcome<R>): boolean {
    return this.output.emit(outcome);
  }
}
