import type { ConsumeHandler } from '../../pulse/consume-options.js';
import { PulseConfigError } from '../../pulse/pulse-errors.js';
import type { Bindings } from '../../pulse/pulse-message.js';
import { isObservable, Observable } from '../../pulse/rxjs-core.js';
import { backfilledMessages, type BackfilledMessageOf, type DefaultBackfillBinding } from './backfill.js';
import { resolveBackfillOptions, type BackfillOptions } from './backfill-options.js';

/** What became of one rebuilt message: the handler's result, or its error (there is no retry: no broker holds the message). */
export type BackfillOutcome<M, R> =
  | { readonly status: 'handled'; readonly message: M; readonly result: R }
  | { readonly status: 'failed'; readonly message: M; readonly error: unknown };

export interface RunBackfillOptions<B extends Bindings = Bindings> extends BackfillOptions<B> {
  /** Handlers running at once. Default 8. */
  readonly concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

/**
 * Feeds the rebuilt messages to `handler`, as `consume()` feeds live ones:
 * at most `concurrency` at once, one outcome per message. Messages are read
 * from the queue only as handlers free up, so a large group never sits in
 * memory. Aborting `signal` (or unsubscribing) takes no further message;
 * running handlers finish (their outcomes still come), then the stream
 * completes. A handler that throws gives a `failed` outcome; a failing
 * Queue API call errors the stream.
 */
export function runBackfill<const B extends Bindings = readonly DefaultBackfillBinding[], R = unknown>(
  options: RunBackfillOptions<B>,
  handler: ConsumeHandler<BackfilledMessageOf<B>, R>,
): Observable<BackfillOutcome<BackfilledMessageOf<B>, R>> {
  const settings = resolveBackfillOptions(options);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new PulseConfigError('concurrency', `must be a positive integer, got ${String(concurrency)}`);
  if (typeof handler !== 'function') throw new PulseConfigError('handler', 'must be a function');
  type M = BackfilledMessageOf<B>;
  return new Observable<BackfillOutcome<M, R>>((subscriber) => {
    let unsubscribed = false;
    const stopped = () => unsubscribed || settings.signal?.aborted === true;
    const messages = backfilledMessages(settings, stopped);
    let running = 0;
    let exhausted = false;
    let pulling = false;
    const finishIfDone = () => {
      if ((exhausted || stopped()) && running === 0 && !pulling) subscriber.complete();
    };
    const pump = async () => {
      if (pulling) return;
      pulling = true;
      try {
        while (!exhausted && running < concurrency && !stopped()) {
          const next = await messages.next();
          if (next.done) exhausted = true;
          else if (!stopped()) start(next.value as M);
        }
      } catch (error) {
        exhausted = true;
        subscriber.error(error);
      } finally {
        pulling = false;
      }
      finishIfDone();
    };
    const start = (message: M) => {
      running++;
      void settle(handler, message).then((outcome) => {
        running--;
        subscriber.next(outcome);
        void pump();
      });
    };
    const onAbort = () => finishIfDone();
    settings.signal?.addEventListener('abort', onAbort, { once: true });
    void pump();
    return () => {
      unsubscribed = true;
      settings.signal?.removeEventListener('abort', onAbort);
      void messages.return(undefined);
    };
  });
}

async function settle<M, R>(handler: ConsumeHandler<M, R>, message: M): Promise<BackfillOutcome<M, R>> {
  try {
    const value = handler(message);
    const result = isObservable(value) ? await lastOrUndefined(value) : await value;
    return { status: 'handled', message, result: result as R };
  } catch (error) {
    return { status: 'failed', message, error };
  }
}

/** A handler's observable succeeds by completing; its last value (if any) is the result. */
function lastOrUndefined<R>(source: Observable<R>): Promise<R | undefined> {
  return new Promise((resolve, reject) => {
    let last: R | undefined;
    source.subscribe({ next: (value) => (last = value), error: reject, complete: () => resolve(last) });
  });
}
