import { isDelay, type ConsumeSettings } from './consume-options.js';
import { RetryDelayError } from './pulse-errors.js';

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
    return isDelay(delay) ? delay : fallBack(deliveryCount, `returned ${describe(delay)}, not a number of milliseconds`, report);
  };
}

function fallBack(deliveryCount: number, problem: string, report: (error: Error) => void, cause?: unknown): number {
  const fallbackMs = defaultRetryDelay(deliveryCount);
  report(new RetryDelayError(deliveryCount, fallbackMs, problem, cause === undefined ? undefined : { cause }));
  return fallbackMs;
}

/** A short description of a callback's bad answer, for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return typeof value === 'symbol' ? value.toString() : String(value);
}
