import { isDelay, type ConsumeSettings } from './consume-options.js';
import { PulseConfigError } from './client-options.js';
import { RetryDelayError } from './pulse-errors.js';
import { RetryRoute } from './retry-queue.js';
import { describeAnswer } from './answer-text.js';

const defaultRetryDelay = (deliveryCount: number) => Math.min(1000 * 2 ** (deliveryCount - 1), 30_000);

/**
 * The wait before requeueing a failed delivery. Never throws: a user function
 * that throws or answers nonsense (NaN, a string, a negative or huge number)
 * gets the default, reported, so settling always goes on.
 */
export function retryDelayOf(option: ConsumeSettings['retryDelayMs'], report: (error: Error) => void): (deliveryCount: number) => number {
  if (option === undefined) return defaultRetryDelay;
  if (typeof option === 'number') return () => option;
  return (deliveryCount) => {
    let delay: unknown;
    try {
      delay = option(deliveryCount);
    } catch (error) {
      return fallBack(deliveryCount, 'threw', report, error);
    }
    return isDelay(delay) ? delay : fallBack(deliveryCount, `returned ${describeAnswer(delay)}, not a number of milliseconds`, report);
  };
}

/** Retry queues: one per distinct delay, so a function giving many delays would make many queues. */
const MAX_RETRY_QUEUES = 16;

/** The retry queues of `queue`: the delays after deliveries 1 to `maxDeliveries - 1`, asked for once, now. */
export function retryRouteFor(queue: string, settings: ConsumeSettings, report: (error: Error) => void): RetryRoute {
  const delayOf = retryDelayOf(settings.retryDelayMs, report);
  const delays = Array.from({ length: Math.max(1, settings.maxDeliveries - 1) }, (_, i) => delayOf(i + 1));
  const distinct = new Set(delays.map((delay) => Math.round(delay))).size;
  if (distinct > MAX_RETRY_QUEUES) {
    throw new PulseConfigError('retryDelayMs', `with retryQueues gives ${distinct} different delays for deliveries 1-${settings.maxDeliveries - 1}; at most ${MAX_RETRY_QUEUES} (one queue each)`);
  }
  return new RetryRoute(queue, delays);
}

function fallBack(deliveryCount: number, problem: string, report: (error: Error) => void, cause?: unknown): number {
  const fallbackMs = defaultRetryDelay(deliveryCount);
  report(new RetryDelayError(deliveryCount, fallbackMs, problem, cause === undefined ? undefined : { cause }));
  return fallbackMs;
}
