/**
 * The recording format: one JSON object per line, one line per message, as
 * `tc-pulse listen --record` writes it, `tc-pulse replay` and
 * `replayRecording()` publish it, and the inspector exports it.
 *
 * ```json
 * {"time":"2025-01-01T12:00:00.000Z","exchange":"exchange/taskcluster-queue/v1/task-completed",
 *  "routingKey":"primary.abc.0.wg.wi.prov.type.sched.grp._","cc":["route.index.a"],
 *  "properties":{"contentType":"application/json","contentEncoding":"utf-8","deliveryMode":2},
 *  "body":{"version":1,"status":{...}}}
 * ```
 *
 * The body is exact: `body` holds it as JSON when `JSON.stringify(body)` gives
 * back its bytes (every message Taskcluster publishes), `bodyBase64` holds the
 * bytes otherwise. Replaying a record publishes what was received.
 */

/** A JSON value, as a body or a header holds it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The AMQP properties of a recorded message (the `CC` header is kept apart, as `cc`). */
export interface RecordedProperties {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** 2 persistent, 1 transient. */
  readonly deliveryMode?: number;
  readonly priority?: number;
  readonly correlationId?: string;
  readonly replyTo?: string;
  readonly expiration?: string;
  readonly messageId?: string;
  /** Seconds since the epoch, as AMQP carries it. */
  readonly timestamp?: number;
  readonly type?: string;
  readonly userId?: string;
  readonly appId?: string;
  /** Headers as published: without `CC` and without what the broker adds on delivery (`x-delivery-count`, `x-death`, ...). */
  readonly headers?: { readonly [key: string]: JsonValue };
}

/** One recorded message. */
export interface PulseRecord {
  /** When it was received, ISO 8601 with milliseconds; replay at recorded pace keeps the gaps between these. */
  readonly time: string;
  /** Full exchange name. */
  readonly exchange: string;
  readonly routingKey: string;
  /** The extra routing keys it was published with (task routes are `route.<route>`). */
  readonly cc: readonly string[];
  readonly properties: RecordedProperties;
  /** The body as JSON, when that is exactly its bytes. */
  readonly body?: JsonValue;
  /** The body's bytes, when they are not JSON written as `JSON.stringify` writes it. */
  readonly bodyBase64?: string;
}

/** The property names a record keeps, with the type each must have. */
export const RECORDED_PROPERTIES = {
  contentType: 'string',
  contentEncoding: 'string',
  deliveryMode: 'number',
  priority: 'number',
  correlationId: 'string',
  replyTo: 'string',
  expiration: 'string',
  messageId: 'string',
  timestamp: 'number',
  type: 'string',
  userId: 'string',
  appId: 'string',
} as const satisfies Record<Exclude<keyof RecordedProperties, 'headers'>, 'string' | 'number'>;

/** The body of a record as bytes. */
export function recordBody(record: PulseRecord): Buffer {
  if (record.bodyBase64 !== undefined) return Buffer.from(record.bodyBase64, 'base64');
  return Buffer.from(JSON.stringify(record.body), 'utf8');
}

/** `body` when the bytes are exactly `JSON.stringify` of their parse, else `bodyBase64`. */
export function bodyFields(content: Buffer): Pick<PulseRecord, 'body' | 'bodyBase64'> {
  try {
    const body = JSON.parse(content.toString('utf8')) as JsonValue;
    if (Buffer.from(JSON.stringify(body), 'utf8').equals(content)) return { body };
  } catch {
    // Not JSON: kept as bytes.
  }
  return { bodyBase64: content.toString('base64') };
}

/** One record as its line, without the newline. */
export function recordLine(record: PulseRecord): string {
  return JSON.stringify(record);
}
