/**
 * Errors reported through `PulseClient`'s `error` event or a stream's error
 * channel about received messages and their handlers (the broker's side is
 * in broker-errors.ts, handler failures not worth retrying in
 * failure-errors.ts), and invalid options. Each says what happened to which
 * message, never a password. Each has a `toJSON()` for structured logs
 * (`PulseErrorJson`).
 */

import { causeText, errorJson, PulseError, type PulseErrorJson } from './error-json.js';

/** Where a received message came from, enough to find it in logs. */
export interface DeliveryInfo {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly redelivered: boolean;
}

/** Where a message came from, as error messages say it: `from <exchange> (routing key "<key>")`. */
export function deliveredFrom(delivery: DeliveryInfo): string {
  return `from ${delivery.exchange} (routing key "${delivery.routingKey}")`;
}

/** An error about one received message: `delivery` comes first in its JSON. */
export abstract class DeliveryError extends PulseError {
  constructor(
    readonly delivery: DeliveryInfo,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { delivery: this.delivery };
  }
}

/** A handler's failure ended a message's deliveries: dead-lettered, or dropped when the queue has no dead-letter exchange. */
export abstract class GaveUpOnMessageError extends DeliveryError {
  constructor(
    delivery: DeliveryInfo,
    /** The message as the handler saw it (a PulseMessage). */
    readonly pulseMessage: unknown,
    readonly deliveryCount: number,
    readonly deadLettered: boolean,
    /** Classified permanent, so not retried (rather than out of deliveries). */
    permanently: boolean,
    options: { cause: unknown },
  ) {
    super(
      delivery,
      `handler failed${permanently ? ' permanently' : ''} on delivery ${deliveryCount} of a message ${deliveredFrom(delivery)}; ` +
        `${deadLettered ? 'dead-lettered' : 'dropped (the queue has no dead-letter exchange)'}${permanently ? ' without retrying' : ''}: ${causeText(options.cause)}`,
      options,
    );
  }

  /** With the message as `pulseMessage` (its own `toJSON()`: no channel, no raw body). */
  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...super.jsonFields(), deliveryCount: this.deliveryCount, deadLettered: this.deadLettered, pulseMessage: messageJson(this.pulseMessage) };
  }
}

/** A message that could not be decoded (not JSON, or a routing key that does not fit its exchange); rejected without requeue. */
export class MalformedMessageError extends DeliveryError {
  override readonly name = 'MalformedMessageError';
  constructor(
    delivery: DeliveryInfo,
    /** The raw body, for inspection. */
    readonly content: Buffer,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(delivery, `malformed message on ${delivery.exchange} (routing key "${delivery.routingKey}", queue ${delivery.queue}): ${reason}; rejected without requeue`, options);
  }

  /** The body as text (invalid UTF-8 shown as U+FFFD), cut to 200 characters, and its length in bytes. */
  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...super.jsonFields(), contentBytes: this.content.length, contentPreview: this.content.toString('utf8', 0, 600).slice(0, 200) };
  }
}

/**
 * A message that none of the current bindings asked for: the durable queue
 * still has a binding from an earlier version of the bot (AMQP cannot list
 * bindings). Acknowledged and dropped; unbind it (`staleBindings: 'remove'`
 * or `'handover'` do), or delete the queue.
 */
export class UnboundMessageError extends DeliveryError {
  override readonly name = 'UnboundMessageError';
  constructor(delivery: DeliveryInfo) {
    super(
      delivery,
      `message on ${delivery.exchange} (routing key "${delivery.routingKey}") matches none of this listener's bindings; ` +
        `queue ${delivery.queue} probably keeps a binding from an earlier version. Dropped.`,
    );
  }
}

/** `ack()`/`nack()` after the channel that delivered the message closed: nothing was sent; the broker redelivers it. */
export class StaleDeliveryError extends DeliveryError {
  override readonly name = 'StaleDeliveryError';
  constructor(
    delivery: DeliveryInfo,
    readonly operation: 'ack' | 'nack',
  ) {
    super(delivery, `${operation} of a message from ${delivery.exchange} skipped: its channel has closed, so the broker will redeliver it`);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...super.jsonFields(), operation: this.operation };
  }
}

/** A handler failed on a message's last allowed delivery; it was dead-lettered, or dropped when the queue has no dead-letter exchange. */
export class DeliveryLimitError extends GaveUpOnMessageError {
  override readonly name = 'DeliveryLimitError';
  constructor(delivery: DeliveryInfo, pulseMessage: unknown, deliveryCount: number, deadLettered: boolean, options: { cause: unknown }) {
    super(delivery, pulseMessage, deliveryCount, deadLettered, false, options);
  }
}

/**
 * A `consume()` handler ran past `handlerTimeoutMs`. That delivery counts as
 * failed (retried, or dead-lettered on the last one) and its concurrency slot
 * is freed; whatever the handler does later is ignored (the message is never
 * settled twice). The handler itself cannot be stopped: make it time out too.
 */
export class HandlerTimeoutError extends DeliveryError {
  override readonly name = 'HandlerTimeoutError';
  constructor(
    delivery: DeliveryInfo,
    /** The message as the handler saw it (a PulseMessage). */
    readonly pulseMessage: unknown,
    readonly deliveryCount: number,
    readonly timeoutMs: number,
  ) {
    super(
      delivery,
      `handler still running after ${timeoutMs} ms on delivery ${deliveryCount} of a message from ${delivery.exchange} ` +
        `(routing key "${delivery.routingKey}", queue ${delivery.queue}); counted as a failure, its concurrency slot freed`,
    );
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...super.jsonFields(), deliveryCount: this.deliveryCount, timeoutMs: this.timeoutMs, pulseMessage: messageJson(this.pulseMessage) };
  }
}

/** A `retryDelayMs` function threw or returned something other than a number of milliseconds; the default delay was used. */
export class RetryDelayError extends PulseError {
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

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { deliveryCount: this.deliveryCount, fallbackMs: this.fallbackMs };
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
export class MessageReleasedError extends DeliveryError {
  override readonly name = 'MessageReleasedError';
  constructor(
    delivery: DeliveryInfo,
    /** The message (a PulseMessage). */
    readonly pulseMessage: unknown,
    readonly reason: ReleaseReason,
    /** The queue is ephemeral, deleted as the subscription ends: the message is gone. */
    readonly lost: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      delivery,
      `consume() stopped with a message ${deliveredFrom(delivery)} not handled (${reason}); ` +
        (lost ? `queue ${delivery.queue} is ephemeral and deleted at stop: the message is lost (use a named queue)` : `requeued to ${delivery.queue}`),
      options,
    );
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...super.jsonFields(), reason: this.reason, lost: this.lost, pulseMessage: messageJson(this.pulseMessage) };
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
