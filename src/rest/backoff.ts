import type { ResolvedOptions } from './options.js';

type BackoffOptions = Pick<ResolvedOptions, 'delayFactor' | 'randomizationFactor' | 'maxDelay'>;

/**
 * Milliseconds to wait before retry number `attempt` (counting from 1):
 * `min(2^attempt * delayFactor * U[1 - r, 1 + r], maxDelay)`, as the official clients do.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const r = options.randomizationFactor;
  return Math.min(2 ** attempt * options.delayFactor * (1 - r + 2 * r * random()), options.maxDelay);
}

/** 5xx answers may succeed on another attempt; 4xx never will. */
export function isRetriableStatus(statusCode: number): boolean {
  return statusCode >= 500 && statusCode < 600;
}
