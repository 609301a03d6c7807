import { checkBindings } from './check-bindings.js';
import { PulseConfigError } from './client-options.js';
import { DeliveryCounter } from './delivery-counter.js';
import { MessageDecoder } from './message-decoder.js';
import { DeliveryLimitError } from './pulse-errors.js';
import type { Bindings, ReceivedMessage, SettleResult } from './pulse-message.js';
import { DEFAULT_PREFETCH, resolveQueueOptions, type QueueOptions } from './queue-options.js';
import { isObservable, lastValueFrom, Observable } from './rxjs-core.js';
import { sleep } from './sleep.js';
import { runConsumer, type StreamContext } from './stream-context.js';

/** Handles one message; success is a returned value, a resolved promise, or a completed observable. */
export type ConsumeHandler<M, R> = (message: M) => R | PromiseLike<R> | Observable<R>;

export interface ConsumeOptions extends QueueOptions {
  /** Handlers running at once. Default 8. */
  readonly concurrency?: number;
  /**
   * Deliveries a message gets before it is given up: dead-lettered when
   * `deadLetter` is set, else dropped, with an `error` event either way.
   * Default 5. Quorum queues count exactly; classic queues as described in
   * `DeliveryCounter` (never too early).
   */
  readonly maxDeliveries?: number;
  /**
   * Wait before requeueing a failed message, by the delivery that failed, so a
   * handler failing on an outage is not retried in a tight loop. Default
   * `min(1000 * 2^(n-1), 30000)` ms. The wait holds a concurrency slot, which
   * slows the bot down while things fail.
   */
  readonly retryDelayMs?: number | ((deliveryCount: number) => number);
}

/** What became of one message. */
export type ConsumeOutcome<M, R = unknown> =
  | { readonly status: 'handled'; readonly message: M; readonly result: R; readonly ack: SettleResult }
  | { readonly status: 'retrying'; readonly message: M; readonly error: unknown; readonly deliveryCount: number }
  | { readonly status: 'dead-lettered' | 'dropped'; readonly message: M; readonly error: unknown; readonly deliveryCount: number };

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_DELIVERIES = 5;
const defaultRetryDelay = (count: number) => Math.min(1000 * 2 ** (count - 1), 30_000);

/** The cold observable behind `client.consume()`. Options are checked now, before any network I/O. */
export function consumeStream<R>(
  context: StreamContext,
  bindings: Bindings,
  handler: ConsumeHandler<never, R>,
  options: ConsumeOptions,
): Observable<ConsumeOutcome<ReceivedMessage, R>> {
  const list = checkBindings(bindings);
  if (typeof handler !== 'function') throw new PulseConfigError('handler', 'must be a function (message) => promise | observable | value');
  const concurrency = positiveInteger('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY);
  const maxDeliveries = positiveInteger('maxDeliveries', options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES);
  const retryDelay = retryDelayOf(options.retryDelayMs);
  const declaration = resolveQueueOptions(context.namespace, { ...options, prefetch: options.prefetch ?? Math.max(DEFAULT_PREFETCH, concurrency * 2) });
  const decoder = new MessageDecoder(list, options);
  const run = handler as unknown as (message: ReceivedMessage) => R | PromiseLike<R> | Observable<R>;

  return new Observable<ConsumeOutcome<ReceivedMessage, R>>((subscriber) => {
    const waiting: ReceivedMessage[] = [];
    const counter = new DeliveryCounter();
    const stopping = new AbortController();
    let running = 0;

    const emit = (outcome: ConsumeOutcome<ReceivedMessage, R>) => {
      if (!subscriber.closed) subscriber.next(outcome);
    };

    const succeeded = (message: ReceivedMessage, result: R) => {
      counter.settled(message);
      emit({ status: 'handled', message, result, ack: message.ack() });
    };

    const failed = async (message: ReceivedMessage, deliveryCount: number, error: unknown) => {
      if (deliveryCount >= maxDeliveries) {
        counter.settled(message);
        const deadLettered = declaration.deadLetterExchange !== undefined;
        message.nack({ requeue: false });
        context.report(new DeliveryLimitError(message.delivery, message, deliveryCount, deadLettered, { cause: error }));
        emit({ status: deadLettered ? 'dead-lettered' : 'dropped', message, error, deliveryCount });
        return;
      }
      counter.failed(message, deliveryCount);
      await sleep(retryDelay(deliveryCount), stopping.signal);
      message.nack({ requeue: true });
      emit({ status: 'retrying', message, error, deliveryCount });
    };

    const finished = () => {
      running--;
      pump();
    };

    /** Runs the handler; a plain (synchronous) result is settled at once, without a trip through promises. */
    const handle = (message: ReceivedMessage) => {
      const deliveryCount = counter.count(message);
      let result: R | PromiseLike<R> | Observable<R>;
      try {
        result = run(message);
      } catch (error) {
        running++;
        void failed(message, deliveryCount, error).finally(finished);
        return;
      }
      if (!isObservable(result) && !isPromiseLike(result)) return succeeded(message, result);
      running++;
      settle(result)
        .then(
          (value) => succeeded(message, value),
          (error) => failed(message, deliveryCount, error),
        )
        .finally(finished);
    };

    const pump = () => {
      while (running < concurrency && waiting.length > 0 && !stopping.signal.aborted) {
        const message = waiting.shift()!;
        // Its channel is gone: the broker has requeued it already.
        if (message.stale) continue;
        handle(message);
      }
    };

    const setup = { declaration, bindings: list, decoder };
    // On unsubscribe, running handlers finish and are acked (bounded by closeTimeoutMs), so stopping causes no duplicates.
    return runConsumer(
      context,
      subscriber,
      setup,
      {
        deliver: (message) => {
          if (stopping.signal.aborted) return void message.nack({ requeue: true });
          waiting.push(message);
          pump();
        },
        stopTaking: () => {
          stopping.abort();
          for (const message of waiting.splice(0)) message.nack({ requeue: true });
        },
      },
      true,
    );
  });
}

/** Waits for a handler's asynchronous result: a promise, or an observable's last value. */
function settle<R>(result: PromiseLike<R> | Observable<R>): Promise<R> {
  if (isObservable(result)) return lastValueFrom(result as Observable<R>, { defaultValue: undefined as R });
  return Promise.resolve(result);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new PulseConfigError(field, `must be a positive integer, got ${String(value)}`);
  return value;
}

function retryDelayOf(option: ConsumeOptions['retryDelayMs']): (count: number) => number {
  if (option === undefined) return defaultRetryDelay;
  if (typeof option === 'function') return (count) => Math.max(0, Number(option(count)) || 0);
  if (!Number.isFinite(option) || option < 0) throw new PulseConfigError('retryDelayMs', `must be a number >= 0 or a function, got ${String(option)}`);
  return () => option;
}
