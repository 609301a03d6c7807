/**
 * Errors from the broker's side of a client: connecting, channels, queue
 * setup and consumers, and the client's own closing. The errors about
 * received messages and their handlers are in pulse-errors.ts.
 */

import { causeText, PulseError } from './error-json.js';

/** The broker cancelled a consumer (its queue was deleted, e.g. by the Pulse guardian); the listener re-declares and resumes. */
export class ConsumerCancelledError extends PulseError {
  override readonly name: string = 'ConsumerCancelledError';
  constructor(
    readonly queue: string,
    message = `the broker cancelled the consumer on ${queue} (queue deleted?); messages in it are lost; re-declaring and resuming`,
  ) {
    super(message);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { queue: this.queue };
  }
}

/** A channel or queue failed with an AMQP reply code (when it gave one). */
export abstract class QueueCodeError extends PulseError {
  constructor(
    readonly queue: string,
    readonly code: number | undefined,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { queue: this.queue, code: this.code };
  }
}

/** A channel closed with an error; the listener resumes on a new channel. */
export class ChannelClosedError extends QueueCodeError {
  override readonly name = 'ChannelClosedError';
  constructor(queue: string, code: number | undefined, options: { cause: unknown }) {
    super(queue, code, `channel for ${queue} closed by the broker: ${causeText(options.cause)}`, options);
  }
}

/**
 * Declaring or binding a queue failed in a way retrying cannot fix: access
 * refused (403), exchange not found (404), or the queue exists with other
 * arguments (406). Ends the stream.
 */
export class QueueSetupError extends QueueCodeError {
  override readonly name = 'QueueSetupError';
  constructor(queue: string, code: number | undefined, step: string, options: { cause: unknown }) {
    super(queue, code, `${step} for ${queue} failed: ${causeText(options.cause)}${hint(code, options.cause)}`, options);
  }
}

/** Queue arguments as the broker names them in a 406, and the option that sets each. */
const OPTION_OF_ARGUMENT: Readonly<Record<string, string>> = {
  'x-expires': 'expires',
  'x-max-length': 'maxLength',
  'x-overflow': 'overflow',
  'x-queue-type': 'queueType',
  'x-dead-letter-exchange': 'deadLetter.exchange',
};

function hint(code: number | undefined, cause: unknown): string {
  if (code === 406) {
    const argument = /inequivalent arg '([^']+)'/.exec(String((cause as Error | undefined)?.message ?? ''))?.[1];
    const option = argument === undefined ? undefined : OPTION_OF_ARGUMENT[argument];
    const which = option ? `a different ${option} (${argument})` : 'different arguments';
    return ` (the queue exists with ${which}: delete it or use another queueName)`;
  }
  if (code === 404) return ' (does the exchange exist?)';
  if (code === 403) return ' (Pulse users may only create queue/<username>/... and exchange/<username>/...)';
  return '';
}

/** The client was closed; no new subscriptions. */
export class ClientClosedError extends PulseError {
  override readonly name = 'ClientClosedError';
  constructor() {
    super('PulseClient is closed');
  }
}

/**
 * Why connecting gave up: the broker refused the credentials (403
 * ACCESS_REFUSED) or the virtual host (it does not exist, or the user has no
 * permissions on it), or `reconnect.maxAttempts` attempts failed.
 */
export type ConnectionFailure = 'credentials-refused' | 'vhost-refused' | 'attempts-exhausted';

/** Connecting gave up: see `reason`. The message names the broker (password redacted) and the likely cause. */
export class ConnectionFailedError extends PulseError {
  override readonly name = 'ConnectionFailedError';
  readonly reason: ConnectionFailure;
  constructor(message: string, options: { cause: unknown; reason?: ConnectionFailure }) {
    super(message, options);
    this.reason = options.reason ?? 'attempts-exhausted';
  }
}

/** The AMQP reply code of a channel or connection error, when it has one. */
export function amqpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
