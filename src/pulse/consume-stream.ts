import { checkBindings } from './check-bindings.js';
import { PulseConfigError } from './client-options.js';
import { type ConsumeHandler, type ConsumeOptions, resolveConsumeSettings } from './consume-options.js';
import type { ConsumeOutcome } from './consume-outcome.js';
import { ConsumeSession } from './consume-session.js';
import { MessageDecoder } from './message-decoder.js';
import type { Bindings, ReceivedMessage } from './pulse-message.js';
import { DEFAULT_PREFETCH, resolveQueueOptions } from './queue-options.js';
import { Observable } from './rxjs-core.js';
import { runConsumer, type StreamContext } from './stream-context.js';
import { timedHandler } from './telemetry/timed-handler.js';

export type { ConsumeHandler, ConsumeOptions } from './consume-options.js';
export type { ConsumeOutcome } from './consume-outcome.js';

/** The cold observable behind `client.consume()`. Options are checked now, before any network I/O. */
export function consumeStream<R>(
  context: StreamContext,
  bindings: Bindings,
  handler: ConsumeHandler<never, R>,
  options: ConsumeOptions,
): Observable<ConsumeOutcome<ReceivedMessage, R>> {
  const list = checkBindings(bindings);
  if (typeof handler !== 'function') throw new PulseConfigError('handler', 'must be a function (message) => promise | observable | value');
  const settings = resolveConsumeSettings(options);
  const declaration = resolveQueueOptions(context.namespace, { ...options, prefetch: options.prefetch ?? Math.max(DEFAULT_PREFETCH, settings.concurrency * 2) });
  const decoder = new MessageDecoder(list, options);
  const metrics = context.metricsFor(declaration.nameFor());
  const untimed = handler as unknown as (message: ReceivedMessage) => R | PromiseLike<R> | Observable<R>;
  const run = metrics ? timedHandler(untimed, metrics) : untimed;

  return new Observable<ConsumeOutcome<ReceivedMessage, R>>((subscriber) => {
    if (settings.signal?.aborted) return subscriber.complete();
    const session = new ConsumeSession(run, settings, declaration, {
      emit: (outcome) => {
        metrics?.outcome(outcome);
        if (subscriber.closed) return false;
        subscriber.next(outcome);
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
      },
      true,
      settings.signal,
    );
  });
}
