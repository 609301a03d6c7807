import { ApiArgumentError } from '../rest/api-argument-error.js';
import { DEFAULT_OPTIONS } from '../rest/options.js';

/** How data transfers (to and from storage) are retried: the REST client's rules and defaults. */
export interface TransferOptions {
  /** Retries after the first attempt for 5xx, network errors, timeouts and truncated bodies. Default 5. */
  readonly retries?: number;
  /** Base of the exponential backoff in milliseconds. Default 100. */
  readonly delayFactor?: number;
  /** Jitter factor in [0, 1). Default 0.25. */
  readonly randomizationFactor?: number;
  /** Upper bound of one backoff delay in milliseconds. Default 30 000. */
  readonly maxDelay?: number;
  /**
   * Milliseconds an attempt may wait for the answer's headers, or between two
   * chunks of its body (time the consumer holds the stream paused does not
   * count). Default 30 000.
   */
  readonly timeout?: number;
  /** Aborts the transfer (and its retries) with code `Aborted`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Hears of every chunk moved: the bytes of the body so far (on the wire,
   * before any content decoding) and its size if storage or the caller said.
   * An upload's retry starts again from 0. Called per chunk: keep it cheap.
   */
  readonly onProgress?: TransferProgressListener | undefined;
}

/** See `TransferOptions.onProgress`. */
export type TransferProgressListener = (transferred: number, total: number | undefined) => void;

export interface ResolvedTransferOptions {
  readonly retries: number;
  readonly delayFactor: number;
  readonly randomizationFactor: number;
  readonly maxDelay: number;
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: TransferProgressListener | undefined;
}

/** Checks the transfer options of `where`'s options; an error names the field and rule. */
export function resolveTransferOptions(options: TransferOptions, where: string): ResolvedTransferOptions {
  const number = (field: keyof typeof DEFAULT_OPTIONS, valid: (n: number) => boolean, rule: string): number => {
    const value = options[field] ?? DEFAULT_OPTIONS[field];
    if (typeof value !== 'number' || !valid(value)) throw new ApiArgumentError(where, field, rule);
    return value;
  };
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new ApiArgumentError(where, 'signal', 'must be an AbortSignal');
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new ApiArgumentError(where, 'onProgress', 'must be a function (transferred, total) => void');
  return {
    retries: number('retries', (n) => Number.isInteger(n) && n >= 0, 'must be a non-negative integer'),
    delayFactor: number('delayFactor', (n) => n >= 0 && Number.isFinite(n), 'must be a non-negative number of milliseconds'),
    randomizationFactor: number('randomizationFactor', (n) => n >= 0 && n < 1, 'must be in [0, 1)'),
    maxDelay: number('maxDelay', (n) => n >= 0, 'must be a non-negative number of milliseconds'),
    timeout: number('timeout', (n) => n > 0 && Number.isFinite(n), 'must be a positive number of milliseconds'),
    signal,
    onProgress,
  };
}

/** Fails unless `value` is a non-empty string (names are checked before any request). */
export function requireString(value: unknown, where: string, field: string): string {
  if (typeof value !== 'string' || value === '') throw new ApiArgumentError(where, field, 'must be a non-empty string');
  return value;
}
