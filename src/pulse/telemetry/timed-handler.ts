import type { ReceivedMessage } from '../pulse-message.js';
import { isObservable, Observable } from '../rxjs-core.js';
import type { SubscriptionMetrics } from './subscription-metrics.js';

type Handler<R> = (message: ReceivedMessage) => R | PromiseLike<R> | Observable<R>;

/**
 * `handler`, recording how long each run takes (`messaging.process.duration`)
 * until its result settles: at once for a plain value or a throw, when the
 * promise settles, when the observable completes or errors. Used only when an
 * SDK is installed.
 */
export function timedHandler<R>(handler: Handler<R>, metrics: SubscriptionMetrics): Handler<R> {
  return (message) => {
    const started = performance.now();
    const done = (failed: boolean, error?: unknown) => metrics.processed(message, (performance.now() - started) / 1000, failed, error);
    let result: R | PromiseLike<R> | Observable<R>;
    try {
      result = handler(message);
    } catch (error) {
      done(true, error);
      throw error;
    }
    if (isObservable(result)) {
      const source = result as Observable<R>;
      return new Observable<R>((subscriber) =>
        source.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            done(true, error);
            subscriber.error(error);
          },
          complete: () => {
            done(false);
            subscriber.complete();
          },
        }),
      );
    }
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      return Promise.resolve(result as PromiseLike<R>).then(
        (value) => (done(false), value),
        (error: unknown) => {
          done(true, error);
          throw error;
        },
      );
    }
    done(false);
    return result as R;
  };
}
