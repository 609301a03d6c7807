/** Messages as amqplib encodes a publish and RabbitMQ delivers it: properties, headers and field tables. */
import type { MessageProperties, Options } from 'amqplib';

/** A message as published: immutable, shared by every queue it is routed to. */
export interface PublishedMessage {
  readonly exchange: string;
  readonly routingKey: string;
  /** The routing key and the CC and BCC keys, as RabbitMQ lists them in `x-death`. */
  readonly routingKeys: readonly string[];
  readonly content: Buffer;
  /** Properties as a consumer sees them (BCC already removed). */
  readonly properties: MessageProperties;
}

/** Header values as they come back from an AMQP round trip. */
export type FieldValue = string | number | boolean | null | Buffer | FieldValue[] | { [key: string]: FieldValue };
export type FieldTable = { [key: string]: FieldValue };

/**
 * Builds a message the way amqplib encodes a publish and RabbitMQ hands it on:
 * `CC` becomes a header of strings, `BCC` is used for routing and dropped,
 * `persistent` becomes delivery mode 2, a missing `headers` is an empty table.
 */
export function publishedMessage(
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish = {},
): PublishedMessage {
  const cc = keyList(options.CC);
  const bcc = keyList(options.BCC);
  const headers = cloneTable(options.headers ?? {});
  delete headers.BCC;
  if (cc !== undefined) headers.CC = [...cc];
  else delete headers.CC;
  return {
    exchange,
    routingKey,
    routingKeys: [routingKey, ...(cc ?? []), ...(bcc ?? [])],
    content: Buffer.from(content),
    properties: {
      contentType: options.contentType,
      contentEncoding: options.contentEncoding,
      headers,
      deliveryMode: deliveryMode(options),
      priority: options.priority,
      correlationId: options.correlationId,
      replyTo: options.replyTo,
      expiration: options.expiration === undefined ? undefined : String(options.expiration),
      messageId: options.messageId,
      timestamp: options.timestamp,
      type: options.type,
      userId: options.userId,
      appId: options.appId,
      clusterId: undefined,
    },
  };
}

/** Properties for one delivery: a fresh copy, so one consumer's changes never reach another. */
export function deliveredProperties(message: PublishedMessage, extraHeaders: FieldTable = {}): MessageProperties {
  return {
    ...message.properties,
    headers: { ...cloneTable(message.properties.headers ?? {}), ...extraHeaders },
  };
}

function keyList(keys: string | string[] | undefined): string[] | undefined {
  if (keys === undefined) return undefined;
  return Array.isArray(keys) ? keys.map(String) : [String(keys)];
}

function deliveryMode(options: Options.Publish): number | undefined {
  if (options.persistent !== undefined) return options.persistent ? 2 : 1;
  if (typeof options.deliveryMode === 'number') return options.deliveryMode;
  if (options.deliveryMode) return 2;
  return undefined;
}

/** Copies a field table as encoding and decoding it would: undefined entries vanish. */
export function cloneTable(table: Readonly<Record<string, unknown>>): FieldTable {
  const copy: FieldTable = {};
  // `for...in`, like amqplib's encoder: inherited keys are sent too.
  for (const key in table) {
    const value = table[key];
    if (value !== undefined) copy[key] = cloneValue(value);
  }
  return copy;
}

function cloneValue(value: unknown): FieldValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(cloneValue);
  if (typeof value === 'object') {
    const typed = value as Record<string, unknown>;
    // amqplib's `{'!': type, value}` form: only timestamps keep the wrapper on decoding.
    if (Object.hasOwn(typed, '!')) {
      return typed['!'] === 'timestamp' ? { '!': 'timestamp', value: cloneValue(typed.value) } : cloneValue(typed.value);
    }
    return cloneTable(typed);
  }
  if (typeof value === 'bigint') return Number(value);
  throw new TypeError(`cannot encode a ${typeof value} in an AMQP field table`);
}
