import type { AmqpMessage } from '../pulse/amqp-api.js';
import { ReceivedMessage, type PulseMessage } from '../pulse/pulse-message.js';
import { bodyFields, RECORDED_PROPERTIES, type JsonValue, type PulseRecord, type RecordedProperties } from './record.js';

/** Headers the broker adds on delivery: not part of what was published, so not recorded. */
const DELIVERY_HEADERS = /^(x-delivery-count|x-death|x-first-death-.*|x-last-death-.*|x-received-from)$/;

/**
 * The record of a received message: exchange, routing key, CC, properties and
 * body as they came off the wire. A message `listen()` delivered carries its
 * raw AMQP delivery; any other `PulseMessage` is recorded from its decoded
 * parts (routes as CC, payload as body, Taskcluster's properties).
 */
export function recordOf(message: PulseMessage, receivedAt: Date = new Date()): PulseRecord {
  const raw = message instanceof ReceivedMessage ? (message.raw as AmqpMessage) : undefined;
  if (!raw) {
    return {
      time: receivedAt.toISOString(),
      exchange: message.exchange,
      routingKey: message.routingKey,
      cc: message.routes.map((route) => `route.${route}`),
      properties: { contentType: 'application/json', contentEncoding: 'utf-8', deliveryMode: 2 },
      ...bodyFields(Buffer.from(JSON.stringify(message.payload) ?? 'null', 'utf8')),
    };
  }
  return recordOfDelivery(raw, receivedAt);
}

/** The record of a raw AMQP delivery. */
export function recordOfDelivery(raw: AmqpMessage, receivedAt: Date = new Date()): PulseRecord {
  const { CC, ...headers } = raw.properties.headers ?? {};
  return {
    time: receivedAt.toISOString(),
    exchange: raw.fields.exchange,
    routingKey: raw.fields.routingKey,
    cc: ccList(CC),
    properties: recordedProperties(raw.properties as Readonly<Record<string, unknown>>, headers),
    ...bodyFields(raw.content),
  };
}

function recordedProperties(properties: Readonly<Record<string, unknown>>, headers: Readonly<Record<string, unknown>>): RecordedProperties {
  const recorded: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(RECORDED_PROPERTIES)) {
    const value = properties[name];
    if (typeof value === type) recorded[name] = value;
  }
  const published = Object.entries(headers).filter(([name, value]) => value !== undefined && !DELIVERY_HEADERS.test(name));
  if (published.length > 0) recorded.headers = Object.fromEntries(published.map(([name, value]) => [name, jsonOf(value)]));
  return recorded as RecordedProperties;
}

function ccList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item)));
}

/** A header value as JSON: byte strings as text, amqplib's `{'!': type, value}` wrappers unwrapped. */
function jsonOf(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(jsonOf);
  if (typeof value === 'object') {
    const table = value as Record<string, unknown>;
    if (Object.hasOwn(table, '!') && Object.hasOwn(table, 'value')) return jsonOf(table.value);
    return Object.fromEntries(Object.entries(table).filter(([, v]) => v !== undefined).map(([k, v]) => [k, jsonOf(v)]));
  }
  return String(value);
}
