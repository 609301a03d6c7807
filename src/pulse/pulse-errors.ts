/**
 * Errors reported through `PulseClient`'s `error` event or a stream's error
 * channel. Each says what happened to which message or queue, never a
 * password. Each has a `toJSON()` for structured logs (`PulseErrorJson`).
 */

import { causeText, errorJson, type PulseErrorJson } from './error-json.js';

/** Where a received message came from, enough to find it in logs. */
export interface DeliveryInfo {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly redelivered: boolean;
}

/** A message that could not be decoded (not JSON, or a routing key that does not fit its exchange); rejected without requeue. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
  constructor(
    readonly delivery: DeliveryInfo,
    /** The raw body, for inspection. */
    readonly content: Buffer,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`malformed message on ${delivery.exchange} (routing key "${delivery.routingKey}", queue ${delivery.queue}): ${reason}; rejected without requeue`, options);
  }

  /** The body as text (invalid UTF-8 shown as U+FFFD), cut to 200 characters, and its length in bytes. */
  toJSON(): PulseErrorJson {
    return errorJson(this, { delivery: this.delivery, contentBytes: this.content.length, contentPreview: this.content.toString('utf8', 0, 600).slice(0, 200) });
  }
}

/**
 * A message that none of the current bindings asked for: the durable queue
 * still has a binding from an earlier version of the bot (AMQP cannot list
 * bindings). Acknowledged and dropped; unbind it (`staleBindings: 'remove'`
 * or `'handover'` do), or delete the queue.
 */
export class UnboundMessageError extends Error {
  override readonly name = 'UnboundMessageError';
  constructor(readonly delivery: DeliveryInfo) {
    super(
      `message on ${delivery.exchange} (routing key "${delivery.routingKey}") matches none of this listener's bindings; ` +
        `queue ${delivery.queue} probably keeps a binding from an earlier version. Dropped.`,
    );
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { delivery: this.delivery });
  }
}

/** `ack()`/`nack()` after the channel that delivered the message closed: nothing was sent; the broker redelivers it. */
export class StaleDeliveryError extends Error {
  override readonly name = 'StaleDeliveryError';
  constructor(
    readonly delivery: DeliveryInfo,
    readonly operation: 'ack' | 'nack',
  ) {
    super(`${operation} of a message from ${delivery.exchange} skipped: its channel has closed, so the broker will redeliver it`);
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { delivery: this.delivery, operation: this.operation });
  }
}

/** The broker cancelled a consumer (its queue was deleted, e.g. by the Pulse guardian); the listener re-declares and resumes. */
export class ConsumerCancelledError extends Error {
  override readonly name: string = 'ConsumerCancelledError';
  constructor(
    readonly queue: string,
    message = `the broker cancelled the consumer on ${queue} (queue deleted?); messages in it are lost; re-declaring and resuming`,
  ) {
    super(message);
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { queue: this.queue });
  }
}

/** A channel closed with an error; the listener resumes on a new channel. */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
  constructor(
    readonly queue: string,
    readonly code: number | undefined,
    options: { cause: unknown },
  ) {
    super(`channel for ${queue} closed by the broker: ${causeText(options.cause)}`, options);
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { queue: this.queue, code: this.code });
  }
}

/**
 * Declaring or binding a queue failed in a way retrying cannot fix: access
 * refused (403), exchange not found (404), or the queue exists with other
 * arguments (406). Ends the stream.
 */
export class QueueSetupError extends Error {
  override readonly name = 'QueueSetupError';
  constructor(
    readonly queue: string,
    readonly code: number | undefined,
    step: string,
    options: { cause: unknown },
  ) {
    super(`${step} for ${queue} failed: ${causeText(options.cause)}${hint(code, options.cause)}`, options);
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { queue: this.queue, code: this.code });
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

/** A handler failed on a message's last allowed delivery; it was dead-lettered, or dropped when the queue has no dead-letter exchange. */
export class DeliveryLimitError extends Error {
  override readonly name = 'DeliveryLimitError';
  constructor(
    readonly delivery: DeliveryInfo,
    /** The message as the handler saw it (a PulseMessage). */
    readonly pulseMessage: unknown,
    readonly deliveryCount: number,
    readonly deadLettered: boolean,
    options: { cause: unknown },
  ) {
    super(
      `handler failed on delivery ${deliveryCount} of a message from ${delivery.exchange} (routing key "${delivery.routingKey}"); ` +
        `${deadLettered ? 'dead-lettered' : 'dropped (the queue has no dead-letter exchange)'}: ${causeText(options.cause)}`,
      options,
    );
  }

  /** With the message as `pulseMessage` (its own `toJSON()`: no channel, no raw body). */
  toJSON(): PulseErrorJson {
    return errorJson(this, {
      delivery: this.delivery,
      deliveryCount: this.deliveryCount,
      deadLettered: this.deadLettered,
      pulseMessage: messageJson(this.pulseMessage),
    });
  }
}

/** The client was closed; no new subscriptions. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
  constructor() {
    super('PulseClient is closed');
  }

  toJSON(): PulseErrorJson {
    return errorJson(this);
  }
}

/**
 * Why connecting gave up: the broker refused the credentials (403
 * ACCESS_REFUSED) or the virtual host (it does not exist, or the user has no
 * permissions on it), or `reconnect.maxAttempts` attempts failed.
 */
export type ConnectionFailure = 'credentials-refused' | 'vhost-refused' | 'attempts-exhausted';

/** Connecting gave up: see `reason`. The message names the broker (password redacted) and the likely cause. */
export class ConnectionFailedError extends Error {
  override readonly name = 'ConnectionFailedError';
  readonly reason: ConnectionFailure;
  constructor(message: string, options: { cause: unknown; reason?: ConnectionFailure }) {
    super(message, options);
    this.reason = options.reason ?? 'attempts-exhausted';
  }

  toJSON(): PulseErrorJson {
    return errorJson(this);
  }
}

/** The AMQP reply code of a channel or connection error, when it has one. */
export function amqpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A `consume()` handler ran past `handlerTimeoutMs`. That delivery counts as
 * failed (retried, or dead-lettered on the last one) and its concurrency slot
 * is freed; whatever the handler does later is ignored (the message is never
 * settled twice). The handler itself cannot be stopped: make it time out too.
 */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
  constructor(
    readonly delivery: DeliveryInfo,
    /** The message as the handler saw it (a PulseMessage). */
    readonly pulseMessage: unknown,
    readonly deliveryCount: number,
    readonly timeoutMs: number,
  ) {
    super(
      `handler still running after ${timeoutMs} ms on delivery ${deliveryCount} of a message from ${delivery.exchange} ` +
        `(routing key "${delivery.routingKey}", queue ${delivery.queue}); counted as a failure, its concurrency slot freed`,
    );
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { delivery: this.delivery, deliveryCount: this.deliveryCount, timeoutMs: this.timeoutMs, pulseMessage: messageJson(this.pulseMessage) });
  }
}

/** A `retryDelayMs` function threw or returned something other than a number of milliseconds; the default delay was used. */
export class RetryDelayError extends Error {
  override readonly name = 'RetryDelayError';
  constructor(
    readonly deliveryCount: number,
    /** The delay used instead. */
    readonly fallbackMs: number,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`retryDelayMs(${deliveryCount}) ${problem}; waiting the default ${fallbackMs} ms instead`, options);
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { deliveryCount: this.deliveryCount, fallbackMs: this.fallbackMs });
  }
}

/** Why a stopping `consume()` handed a message back without handling it. */
export type ReleaseReason = 'not-started' | 'retry-pending' | 'handler-failed' | 'handler-unfinished';

/**
 * `consume()` stopped by unsubscribing (so no outcome can tell) and gave a
 * message back to its queue unhandled: never started, waiting to be retried,
 * failed while stopping, or its handler still running at the stop deadline.
 * A durable queue delivers it again; an ephemeral queue is deleted at stop,
 * and the message with it.
 */
export class MessageReleasedError extends Error {
  override readonly name = 'MessageReleasedError';
  constructor(
    readonly delivery: DeliveryInfo,
    /** The message (a PulseMessage). */
    readonly pulseMessage: unknown,
    readonly reason: ReleaseReason,
    /** The queue is ephemeral, deleted as the subscription ends: the message is gone. */
    readonly lost: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      `consume() stopped with a message from ${delivery.exchange} (routing key "${delivery.routingKey}") not handled (${reason}); ` +
        (lost ? `queue ${delivery.queue} is ephemeral and deleted at stop: the message is lost (use a named queue)` : `requeued to ${delivery.queue}`),
      options,
    );
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { delivery: this.delivery, reason: this.reason, lost: this.lost, pulseMessage: messageJson(this.pulseMessage) });
  }
}

/** A received message's own JSON form (no channel, no raw body), or undefined for anything else. */
export function messageJson(message: unknown): unknown {
  const candidate = message as { toJSON?: () => unknown } | null | undefined;
  return typeof candidate?.toJSON === 'function' ? candidate.toJSON() : undefined;
}

/** Invalid options, found before any network I/O; the message names the field and the rule, never a password. */
export class PulseConfigError extends TypeError {
  override readonly name = 'PulseConfigError';
  constructor(
    readonly field: string,
    rule: string,
  ) {
    super(`${field}: ${rule}`);
  }

  toJSON(): PulseErrorJson {
    return errorJson(this, { field: this.field });
  }
}
