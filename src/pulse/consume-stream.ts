import { checkBindings } from './check-bindings.js';
import { PulseConfigError } from './client-options.js';
import { type ConsumeHandler, type ConsumeOptions, resolveConsumeSettings } from './consume-options.js';
import type { ConsumeOutcome } from './consume-outcome.js';
import { ConsumeSession } from './consume-session.js';
import { causeText } from './error-json.js';
import { MessageDecoder } from './message-decoder.js';
import type { Bindings, ReceivedMessage } from './pulse-message.js';
import { DEFAULT_PREFETCH, resolveQueueOptions } from './queue-options.js';
import { Observable } from './rxjs-core.js';
import { retryRouteFor } from './retry-delay.js';
import { runConsumer, type StreamContext } from './stream-context.js';
import { timedHandler } from './telemetry/timed-handler.js';

export type { ConsumeHandler, ConsumeOptions, ConsumingInfo } from './consume-options.js';
export type { ConsumeOutcome } from './consume-outcome.js';

/** The cold observable behind `client.consume()`. Options are checked now, before any network I/O. */
export function consumeStream<R>(
  context: StreamContext,
  bindings: Bindings,
  handler: ConsumeHandler<never, R>,
  options: ConsumeOptions<never, R>,
): Observable<ConsumeOutcome<ReceivedMessage, R>> {
  const list = checkBindings(bindings);
  if (typeof handler !== 'function') throw new PulseConfigError('handler', 'must be a function (message) => promise | observable | value');
  const settings = resolveConsumeSettings(options);
  const queue = resolveQueueOptions(context.namespace, { ...options, prefetch: options.prefetch ?? Math.max(DEFAULT_PREFETCH, settings.concurrency * 2) });
  const retryRoute = settings.retryQueues ? retryRouteFor(queue.nameFor(), settings, (error) => context.report(error)) : undefined;
  const declaration = retryRoute ? { ...queue, retryRoute } : queue;
  const decoder = new MessageDecoder(list, options, retryRoute);
  const metrics = context.metricsFor(declaration.nameFor());
  const untimed = handler as unknown as (message: ReceivedMessage) => R | PromiseLike<R> | Observable<R>;
  const run = metrics ? timedHandler(untimed, metrics) : untimed;

  return new Observable<ConsumeOutcome<ReceivedMessage, R>>((subscriber) => {
    if (settings.signal?.aborted) return subscriber.complete();
    // Ending from inside (`until`) is aborting a signal of this subscription's own: the same graceful stop.
    const conditionMet = new AbortController();
    const stopSignal = settings.signal ? AbortSignal.any([settings.signal, conditionMet.signal]) : conditionMet.signal;
    const session = new ConsumeSession(run, settings, declaration, {
      emit: (outcome) => {
        metrics?.outcome(outcome);
        if (subscriber.closed) return false;
        subscriber.next(outcome);
        if (settings.until && !conditionMet.signal.aborted && reached(settings.until, outcome, context)) conditionMet.abort();
        return true;
      },
      report: (error) => context.report(error),
    });
    const setup = { declaration, bindings: list, decoder };
    // Stopping (signal, close(), unsubscribe) lets running handlers finish and be acked (bounded by closeTimeoutMs), so it causes no duplicates.
    return runConsumer(
      context,
      subscriber,
      setup,
      {
        deliver: (message) => session.deliver(message),
        stopTaking: () => session.drain(),
        stopped: () => session.dispose(),
        ...(settings.onConsuming ? { consuming: (info) => callQuietly(() => settings.onConsuming!(info), 'onConsuming', context) } : {}),
      },
      true,
      stopSignal,
    );
  });
}

/** Whether the stream's `until` condition is met; a predicate that throws stops the stream too (better than consuming on unchecked). */
function reached(until: (outcome: ConsumeOutcome<unknown, unknown>) => boolean, outcome: ConsumeOutcome<ReceivedMessage, unknown>, context: StreamContext): boolean {
  let met = true;
  callQuietly(() => (met = until(outcome) === true), 'until', context);
  return met;
}

/** Runs a user callback; what it throws becomes an `error` event, never a broken consumer. */
function callQuietly(callback: () => unknown, name: string, context: StreamContext): void {
  try {
    callback();
  } catch (error) {
    context.report(new Error(`consume(): the ${name} option threw: ${causeText(error)}${name === 'until' ? '; stopping the stream' : ''}`, { cause: error }));
  }
}
