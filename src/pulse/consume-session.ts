import type { ConsumeSettings } from './consume-options.js';
import { ConsumeSettlement, type SessionOutput } from './consume-settlement.js';
import { DeliveryCounter } from './delivery-counter.js';
import { type HeldMessages, holdingFor } from './held-messages.js';
import { HandlerRun, InFlightHandlers } from './in-flight-handlers.js';
import { HandlerTimeoutError } from './pulse-errors.js';
import type { DeliveryChannel, ReceivedMessage } from './pulse-message.js';
import type { QueueDeclaration } from './queue-options.js';
import { isObservable, lastValueFrom, type Observable } from './rxjs-core.js';

export type { SessionOutput } from './consume-settlement.js';

type Handler<R> = (message: ReceivedMessage) => R | PromiseLike<R> | Observable<R>;

/**
 * The message handling of one `consume()` subscription: runs the handler with
 * at most `concurrency` slots and has every message settled exactly once by
 * its handler's outcome (or as the handler settled it), with one outcome per
 * message (consume-settlement.ts). Slots belong to live channels: a run whose
 * channel is gone, or that outran `handlerTimeoutMs`, gives its slot back.
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
  readonly #settlement: ConsumeSettlement<R>;
  /** Runs outliving `consumerTimeoutMs`: their messages, moved to holding queues. */
  readonly #holding: HeldMessages | undefined;
  #slotsUsed = 0;
  /** drain() was called: no handler starts any more. */
  #draining = false;
  #watchedChannel: DeliveryChannel | undefined;

  constructor(
    private readonly handler: Handler<R>,
    private readonly settings: ConsumeSettings,
    declaration: QueueDeclaration,
    private readonly output: SessionOutput<R>,
  ) {
    this.#inFlight = new InFlightHandlers(settings.handlerTimeoutMs, (run) => this.#afterHold(run, () => this.#timedOut(run)));
    const report = (error: Error) => this.#report(error);
    this.#holding = holdingFor(declaration.retryRoute, settings, report);
    this.#settlement = new ConsumeSettlement(settings, declaration, this.#counter, this.#holding, output, report, () => this.#watchedChannel);
  }

  deliver(message: ReceivedMessage): void {
    if (message.channel !== this.#watchedChannel) this.#watch(message.channel);
    // After draining (the consumer is cancelled by then): give back at once.
    if (this.#draining) return this.#settlement.release(message, this.#counter.count(message), 'not-started', undefined);
    this.#waiting.push(message);
    this.#pump();
  }

  /** Stops starting handlers and hands back the messages waiting for one or for a retry. Idempotent. */
  drain(): void {
    this.#draining = true;
    this.#settlement.drain(this.#waiting.splice(0));
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
      return this.#settlement.failed(message, deliveryCount, error);
    }
    if (!isObservable(result) && !isPromiseLike(result)) return this.#settlement.succeeded(message, deliveryCount, result);
    const run = new HandlerRun(message, deliveryCount);
    this.#slotsUsed++;
    this.#inFlight.add(run);
    this.#holding?.started(run);
    settle(result).then(
      (value) =>
        this.#afterHold(run, () => {
          if (this.#ended(run)) this.#settlement.succeeded(message, deliveryCount, value);
          this.#pump();
        }),
      (error) =>
        this.#afterHold(run, () => {
          if (this.#ended(run)) this.#settlement.failed(message, deliveryCount, error);
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

  /** The stream stops with held runs still going: their copies are left to return at their TTL. */
  #releaseHeld(): void {
    const holding = this.#holding;
    if (!holding) return;
    for (const run of this.#inFlight.take((r) => holding.heldIn(r.message) !== undefined)) {
      const holdingQueue = holding.heldIn(run.message)!;
      holding.abandon(run.message);
      this.#slotsUsed--;
      run.state = 'over';
      this.#settlement.heldAbandoned(run.message, run.deliveryCount, holdingQueue);
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
    this.#settlement.failed(message, deliveryCount, error);
    this.#pump();
  }

  /** Frees the slots of a channel that is gone when it goes; one watcher per channel, not per message. */
  #watch(channel: DeliveryChannel): void {
    this.#watchedChannel = channel;
    void channel.ended.then(() => this.#channelEnded(channel));
  }

  #channelEnded(channel: DeliveryChannel): void {
    // A held message no longer depends on its channel: its run keeps its slot, and its outcome.
    if (this.#draining) this.#releaseHeld();
    for (const run of this.#inFlight.take((r) => r.message.channel === channel && !this.#holding?.heldIn(r.message))) {
      this.#slotsUsed--;
      // Its result still makes the outcome, unless the stream stops: then nobody waits for it.
      if (!this.#draining || run.message.settled) {
        run.state = 'detached';
        continue;
      }
      // Its handler outran the stop deadline: the channel's closing requeued the message.
      run.state = 'over';
      this.#settlement.release(run.message, run.deliveryCount, 'handler-unfinished', undefined);
    }
    this.#settlement.channelGone(channel);
    this.#pump();
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
