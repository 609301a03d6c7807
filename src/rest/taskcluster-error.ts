import { redactText } from './redaction.js';

/** What a failed request tells: enough to debug, never a secret. */
export interface TaskclusterErrorDetails {
  /** The API method, e.g. `queue.task`. */
  readonly method: string;
  /** The request URL (never signed: requests carry Hawk in a header, not a bewit). */
  readonly url: string;
  /** HTTP status, absent when no response arrived (network error, timeout). */
  readonly statusCode?: number;
  /**
   * The body's `code` (e.g. `ResourceNotFound`), `InvalidResponse` for an answer
   * that cannot be right, or without an answer one of the stable transport codes
   * of `NetworkErrorCode` (`ECONNRESET`, `ECONNABORTED` for a timeout, ...).
   */
  readonly code: string;
  /** Parsed response body (text when it was not JSON). */
  readonly body?: unknown;
  /** What went wrong, from the body's `message` or the transport. */
  readonly reason: string;
  /** Attempts made, retries included. */
  readonly attempts: number;
  /** Without an answer: the error undici or Node raised. */
  readonly cause?: Error;
}

/**
 * The one error an API call rejects with once it has started talking to the
 * network: an HTTP error status, a network failure or a timeout, after retries.
 */
export class TaskclusterError extends Error {
  override readonly name = 'TaskclusterError';
  readonly method: string;
  readonly url: string;
  readonly statusCode: number | undefined;
  readonly code: string;
  readonly body: unknown;
  readonly attempts: number;

  /** `reason` and `url` are redacted again here, by structure, whoever builds the error. */
  constructor(details: TaskclusterErrorDetails) {
    const status = details.statusCode === undefined ? 'no response' : `HTTP ${details.statusCode}`;
    const url = redactText(details.url);
    super(
      `${details.method} failed (${status}, ${details.code}, ${details.attempts} attempt${details.attempts === 1 ? '' : 's'}): ` +
        `${redactText(details.reason)} [${url}]`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.method = details.method;
    this.url = url;
    this.statusCode = details.statusCode;
    this.code = details.code;
    this.body = details.body;
    this.attempts = details.attempts;
  }
}
