import type { ConsumeSettings } from './consume-options.js';
import { type ConsumeOutcome, type GiveUpReason, settledByHandler } from './consume-outcome.js';
import { DeliveryCounter } from './delivery-counter.js';
import { redactInPlace } from './error-json.js';
import { verdictOf, type FailureVerdict } from './failure-classifier.js';
import { PermanentFailureError, RetryQueueError } from './failure-errors.js';
import { type HeldMessages, holdingFor } from './held-messages.js';
import { HeldOutcomes } from './held-outcomes.js';
import { HandlerRun, InFlightHandlers } from './in-flight-handlers.js';
import { DeliveryLimitError, HandlerTimeoutError, MessageReleasedError, type ReleaseReason } from './pulse-errors.js';
import type { DeliveryChannel, ReceivedMessage } from './pulse-message.js';
import type { QueueDeclaration } from './queue-options.js';
import type { RetryRoute } from './retry-queue.js';
import { retryDelayOf } from './retry-delay.js';
import { RetryWaits } from './retry-waits.js';
import { isObservable, lastValueFrom, type Observable } from './rxjs-core.js';

type Outcome<R> = ConsumeOutcome<ReceivedMessage, R>;
type RetryPublisherLike = NonNullable<DeliveryChannel['retryPublisher']>;
type Handler<R> = (message: ReceivedMessage) => R | PromiseLike<R> | Observable<R>;

/** Where a session's outcomes and reports go. */
export interface SessionOutput<R> {
  /** Emits an outcome; false when nobody is subscribed any more. */
  emit(outcome: Outcome<R>): boolean;
  /** The client's `error` event. */
  report(error: Error): void;
}

/**
 * The message handling of one `consume()` subscription: runs the handler with
 * at most `concurrency` slots, settles every message exactly once by its
 * handler's outcome (or as the handler settled it), and makes one outcome per
 * message. Slots belong to live channels: a run whose channel is gone, or
 * that outran `handlerTimeoutMs`, gives its slot back.
 *
 * Stopping is two steps: `drain()` (stop starting handlers; hand back what
 * waits), then the channel closing, which releases runs still going. Every
 * message held gets an outcome, or, once nobody is subscribed, a
 * `MessageReleasedError` if it was not handled.
 */
export class ConsumeSession<R> {
  readonly #waiting: ReceivedMessage[] = [];
  readonly #counter = new DeliveryCounter();
  readonly #inFlight: InFlightHandlers;
  readonly #retries = new RetryWaits();
  readonly #retryDelay: (deliveryCount: number) => number;
  readonly #verdict: (error: unknown, message: ReceivedMessage) => FailureVerdict;
  /** Runs outliving `consumerTimeoutMs`: their messages, moved to holding queues. */
  readonly #holding: HeldMessages | undefined;
  readonly #heldOutcomes: HeldOutcomes<R> | undefined;
  #slotsUsed = 0;
  #draining = false;
  #watchedChannel: DeliveryChannel | undefined;

  constructor(
    private readonly handler: Handler<R>,
    private readonly settings: ConsumeSettings,
    private readonly declaration: QueueDeclaration,
    private readonly output: SessionOutput<R>,
  ) {
    this.#inFlight = new InFlightHandlers(settings.handlerTimeoutMs, (run) => this.#afterHold(run, () => this.#timedOut(run)));
    const report = (error: Error) => this.#report(error);
    this.#retryDelay = retryDelayOf(settings.retryDelayMs, report);
    this.#verdict = verdictOf(settings.classifyFailure, report);
    this.#holding = holdingFor(declaration.retryRoute, settings, report);
    this.#heldOutcomes = this.#holding && new HeldOutcomes(this.#holding, settings, declaration, this.#verdict, (outcome) => this.#emit(outcome), report);
  }

  deliver(message: ReceivedMessage): void {
    if (message.channel !== this.#watchedChannel) this.#watch(message.channel);
    // After draining (the consumer is cancelled by then): give back at once.
    if (this.#draining) return this.#release(message, this.#counter.count(message), 'not-started', undefined);
    this.#waiting.push(message);
    this.#pump();
  }

  /** Stops starting handlers and hands back the messages waiting for one or for a retry. Idempotent. */
  drain(): void {
    this.#draining = true;
    for (const message of this.#waiting.splice(0)) {
      // A stale one is back in the queue already, and was never ours to report.
      if (!message.stale) this.#release(message, this.#counter.count(message), 'not-started', undefined);
    }
    for (const wait of this.#retries.take()) this.#release(wait.message, wait.deliveryCount, 'retry-pending', wait.error);
  }

  /** The consumer has stopped: nothing more arrives. */
  dispose(): void {
    this.drain();
    this.#releaseHeld();
    this.#inFlight.dispose();
  }

  #pump(): void {
    while (this.#slotsUsed < this.settings.concurrency && this.#waiting.length > 0 && !this.#draining) {
      const message = this.#waiting.shift()!;
      // Its channel is gone: the broker has requeued it already.
      if (!message.stale) this.#start(message);
    }
  }

  /** Runs the handler; a plain (synchronous) result is settled at once, without a slot or a trip through promises. */
  #start(message: ReceivedMessage): void {
    const deliveryCount = this.#counter.count(message);
    let result: R | PromiseLike<R> | Observable<R>;
    try {
      result = this.handler(message);
    } catch (error) {
      return this.#failed(message, deliveryCount, error);
    }
    if (!isObservable(result) && !isPromiseLike(result)) return this.#succeeded(message, deliveryCount, result);
    const run = new HandlerRun(message, deliveryCount);
    this.#slotsUsed++;
    this.#inFlight.add(run);
    this.#holding?.started(run);
    settle(result).then(
      (value) =>
        this.#afterHold(run, () => {
          if (this.#ended(run)) this.#succeeded(message, deliveryCount, value);
          this.#pump();
        }),
      (error) =>
        this.#afterHold(run, () => {
          if (this.#ended(run)) this.#failed(message, deliveryCount, error);
          this.#pump();
        }),
    );
  }

  /** A run's handler finished: its slot is free; false if its message was settled without it (timed out, released). */
  #ended(run: HandlerRun): boolean {
    if (run.state === 'over') return false;
    if (run.state === 'running') {
      this.#inFlight.delete(run);
      this.#slotsUsed--;
    }
    run.state = 'over';
    return true;
  }

  /** Runs `next` once a move of the run's message to a holding queue, if one is under way, is done. */
  #afterHold(run: HandlerRun, next: () => void): void {
    if (this.#holding) this.#holding.ended(run, next);
    else next();
  }

  #succeeded(message: ReceivedMessage, deliveryCount: number, result: R): void {
    if (this.#holding?.heldIn(message)) return this.#heldRunEnded(message, deliveryCount, { result });
    if (message.settled) return this.#settledByHandler(message, deliveryCount, { result });
    this.#counter.settled(message);
    const ack = message.ack();
    this.#emit({ status: 'handled', settledBy: 'consumer', message, deliveryCount, result, ack });
  }

  #failed(message: ReceivedMessage, deliveryCount: number, thrown: unknown): void {
    // What a handler threw goes on to outcomes, error events and logs: without the credentials it may quote.
    const error = redactInPlace(thrown);
    if (this.#holding?.heldIn(message)) return this.#heldRunEnded(message, deliveryCount, { error });
    if (message.settled) return this.#settledByHandler(message, deliveryCount, { error });
    if (message.stale) return this.#requeuedByChannel(message, deliveryCount, error);
    if (this.#verdict(error, message) === 'dead-letter') return this.#giveUp(message, deliveryCount, error, 'permanent');
    if (deliveryCount >= this.settings.maxDeliveries) return this.#giveUp(message, deliveryCount, error, 'delivery-limit');
    this.#counter.requeued(message, deliveryCount);
    if (this.#draining) return this.#release(message, deliveryCount, 'handler-failed', error);
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
        if (message.stale) return this.#requeuedByChannel(message, deliveryCount, error);
        this.#report(new RetryQueueError(message.delivery, route.queueFor(delayMs), { cause }));
        if (this.#draining) return this.#release(message, deliveryCount, 'handler-failed', error);
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
    if (rejected !== 'sent') return this.#requeuedByChannel(message, deliveryCount, error);
    this.#counter.settled(message);
    const deadLettered = this.declaration.deadLetterExchange !== undefined;
    const GivenUpError = reason === 'permanent' ? PermanentFailureError : DeliveryLimitError;
    this.#report(new GivenUpError(message.delivery, message, deliveryCount, deadLettered, { cause: error }));
    this.#emit({ status: deadLettered ? 'dead-lettered' : 'dropped', settledBy: 'consumer', message, deliveryCount, reason, error });
  }

  /** The handler failed on a message whose channel is gone: the broker redelivers it, no need to wait. */
  #requeuedByChannel(message: ReceivedMessage, deliveryCount: number, error: unknown): void {
    this.#counter.requeued(message, deliveryCount);
    if (this.#draining) return this.#release(message, deliveryCount, 'handler-failed', error);
    this.#emit({ status: 'retrying', settledBy: 'consumer', message, deliveryCount, error, requeue: 'channel-closed' });
  }

  /** The handler settled the message itself: the outcome is what it did. */
  #settledByHandler(message: ReceivedMessage, deliveryCount: number, ending: { readonly result: R } | { readonly error: unknown }): void {
    const outcome = settledByHandler(message, deliveryCount, ending, this.declaration.deadLetterExchange !== undefined);
    if (outcome.status === 'requeued') this.#counter.requeued(message, deliveryCount);
    else this.#counter.settled(message);
    this.#emit(outcome);
  }

  /** Hands a message back unhandled because the stream stops. */
  #release(message: ReceivedMessage, deliveryCount: number, reason: ReleaseReason, error: unknown): void {
    const requeue = message.stale ? 'channel-closed' : message.nack({ requeue: true });
    if (this.#emit({ status: 'released', settledBy: 'consumer', message, deliveryCount, reason, error, requeue })) return;
    const lost = this.declaration.deleteOnStop;
    this.#report(new MessageReleasedError(message.delivery, message, reason, lost, error === undefined ? undefined : { cause: error }));
  }

  /** A held message's run ended: its copy is settled over a live channel (its own may be gone; a held message does not depend on it). */
  #heldRunEnded(message: ReceivedMessage, deliveryCount: number, ending: { readonly result: R } | { readonly error: unknown }): void {
    this.#counter.settled(message);
    const publisher = (this.#watchedChannel?.alive ? this.#watchedChannel : message.channel).retryPublisher;
    if ('error' in ending) this.#heldOutcomes!.failed(message, deliveryCount, ending.error, publisher);
    else this.#heldOutcomes!.handled(message, deliveryCount, ending.result, publisher);
  }

  /** The stream stops with held runs still going: their copies are left to return at their TTL. */
  #releaseHeld(): void {
    const holding = this.#holding;
    if (!holding) return;
    for (const run of this.#inFlight.take((r) => holding.heldIn(r.message) !== undefined)) {
      const holdingQueue = holding.heldIn(run.message)!;
      holding.abandon(run.message);
      this.#slotsUsed--;
      run.state = 'over';
      const { message, deliveryCount } = run;
      if (this.#emit({ status: 'released', settledBy: 'consumer', message, deliveryCount, reason: 'handler-unfinished', error: undefined, requeue: 'already-settled', holdingQueue })) continue;
      this.#report(new MessageReleasedError(message.delivery, message, 'handler-unfinished', false));
    }
  }

  #timedOut(run: HandlerRun): void {
    // Its handler ended while its message was being moved: that result counts.
    if (run.state !== 'running') return;
    run.state = 'over';
    const { message, deliveryCount } = run;
    const error = new HandlerTimeoutError(message.delivery, message, deliveryCount, this.settings.handlerTimeoutMs);
    this.#report(error);
    this.#slotsUsed--;
    this.#failed(message, deliveryCount, error);
    this.#pump();
  }

  /** Frees the slots of a channel that is gone when it goes; one watcher per channel, not per message. */
  #watch(channel: DeliveryChannel): void {
    this.#watchedChannel = channel;
    void channel.ended.then(() => this.#channelEnded(channel));
  }

  #channelEnded(channel: DeliveryChannel): void {
    const onChannel = (message: ReceivedMessage) => message.channel === channel;
    // A held message no longer depends on its channel: its run keeps its slot, and its outcome.
    if (this.#draining) this.#releaseHeld();
    for (const run of this.#inFlight.take((r) => onChannel(r.message) && !this.#holding?.heldIn(r.message))) {
      this.#slotsUsed--;
      // Its result still makes the outcome, unless the stream stops: then nobody waits for it.
      if (!this.#draining || run.message.settled) {
        run.state = 'detached';
        continue;
      }
      // Its handler outran the stop deadline: the channel's closing requeued the message.
      run.state = 'over';
      this.#release(run.message, run.deliveryCount, 'handler-unfinished', undefined);
    }
    for (const wait of this.#retries.take((w) => onChannel(w.message))) this.#requeuedByChannel(wait.message, wait.deliveryCount, wait.error);
    this.#pump();
  }

  #emit(outcome: Outcome<R>): boolean {
    return this.output.emit(outcome);
  }

  #report(error: Error): void {
    try {
      this.output.report(error);
    } catch {
      // A throwing `error` listener must not stop settling; the client isolates its listeners.
    }
  }
}

/** Waits for a handler's asynchronous result: a promise, or an observable's last value. */
function settle<R>(result: PromiseLike<R> | Observable<R>): Promise<R> {
  if (isObservable(result)) return lastValueFrom(result as Observable<R>, { defaultValue: undefined as R });
  return Promise.resolve(result);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
