import { BindingError } from '../bindings/binding-error.js';
import { MAX_ROUTING_KEY_BYTES } from '../bindings/routing-key-pattern.js';
import { buildRoutingKey } from '../bindings/routing-key.js';
import { referenceSchemaPath } from '../references/schema-ids.js';
import type { ExchangeEntry, ExchangeReference } from '../references/types.js';
import type { MessageValidator } from './message-validator.js';
import { PublishError } from './publish-errors.js';
import type { PublishedPulseMessage } from './publish-types.js';

/** Pulse's guidance: messages should stay under 8 KiB. */
export const PULSE_MESSAGE_BYTES = 8 * 1024;
/** Task routes: at most this many, each short enough that `route.<route>` is a routing key. */
export const MAX_ROUTES = 64;
const ROUTE_PREFIX = 'route.';
const MAX_ROUTE_BYTES = MAX_ROUTING_KEY_BYTES - ROUTE_PREFIX.length;

/** Properties Taskcluster's publisher sets on every message. */
export const TASKCLUSTER_PUBLISH_OPTIONS = {
  persistent: true,
  contentType: 'application/json',
  contentEncoding: 'utf-8',
} as const;

export interface WireRules {
  /** Validates payloads against the exchange's schema; none to skip. */
  readonly validator: MessageValidator | undefined;
  readonly maxMessageBytes: number;
}

/** Loose form of a publish input, as it arrives at run time. */
export interface LooseInput {
  readonly fields?: unknown;
  readonly payload?: unknown;
  readonly routes?: unknown;
  readonly exchangePrefix?: unknown;
}

/**
 * Turns one publish input into the message Taskcluster would send: routing key
 * from the fields (constants, `_` for missing optional entries, 255 bytes at
 * most), CC `route.<route>` per task route, the payload as JSON after checking
 * it against the exchange's schema. Pure: every mistake is thrown here, before
 * any network I/O.
 */
export function wireMessage(reference: ExchangeReference, name: string, input: LooseInput, rules: WireRules): PublishedPulseMessage {
  const entry = entryNamed(reference, name);
  if (typeof input !== 'object' || input === null) {
    throw new PublishError(reference.exchangePrefix + entry.exchange, 'publish needs {fields, payload, routes?}');
  }
  const exchange = exchangeName(reference, name, input.exchangePrefix);
  if (typeof input.fields !== 'object' || input.fields === null || Array.isArray(input.fields)) {
    throw new BindingError(exchange, undefined, 'fields must be an object of routing-key fields');
  }
  const routingKey = buildRoutingKey(exchange, entry.routingKey, input.fields as Record<string, unknown>);
  const cc = routesAsCc(exchange, input.routes);

  if (input.payload === undefined) throw new PublishError(exchange, 'payload is required');
  const json = JSON.stringify(input.payload);
  const content = Buffer.from(json, 'utf8');
  if (content.length > rules.maxMessageBytes) {
    throw new PublishError(
      exchange,
      `message is ${content.length} bytes; Pulse messages should stay under ${rules.maxMessageBytes} bytes (raise maxMessageBytes to allow it)`,
    );
  }
  // Checked as consumers will see it: after the JSON round trip (dates become strings).
  rules.validator?.validate(exchange, referenceSchemaPath(reference.serviceName, entry.schema), JSON.parse(json));
  return { exchange, routingKey, cc, content };
}

/** The full name of an exchange, under the reference's prefix or another one. */
export function exchangeName(reference: ExchangeReference, name: string, exchangePrefix: unknown = reference.exchangePrefix): string {
  const entry = entryNamed(reference, name);
  if (typeof exchangePrefix !== 'string' || exchangePrefix === '') {
    throw new PublishError(reference.exchangePrefix + entry.exchange, 'exchangePrefix must be a non-empty string');
  }
  const exchange = exchangePrefix + entry.exchange;
  if (Buffer.byteLength(exchange) > MAX_ROUTING_KEY_BYTES) {
    throw new PublishError(exchange, `exchange name is over ${MAX_ROUTING_KEY_BYTES} bytes`);
  }
  return exchange;
}

function entryNamed(reference: ExchangeReference, name: string): ExchangeEntry {
  const entry = reference.entries.find((e) => e.name === name);
  if (entry) return entry;
  const known = reference.entries.map((e) => e.name).join(', ');
  throw new PublishError(`${reference.serviceName} exchanges`, `no exchange named "${name}"; known: ${known}`);
}

function routesAsCc(exchange: string, routes: unknown): string[] {
  if (routes === undefined) return [];
  if (!Array.isArray(routes)) throw new PublishError(exchange, 'routes must be an array of strings');
  if (routes.length > MAX_ROUTES) throw new PublishError(exchange, `routes has ${routes.length} entries; a task has at most ${MAX_ROUTES}`);
  return routes.map((route: unknown, i) => {
    if (typeof route !== 'string' || route === '') throw new PublishError(exchange, `routes[${i}] must be a non-empty string`);
    if (Buffer.byteLength(route) > MAX_ROUTE_BYTES) {
      throw new PublishError(exchange, `routes[${i}] is over ${MAX_ROUTE_BYTES} bytes, so "route.<route>" would not fit a routing key`);
    }
    return ROUTE_PREFIX + route;
  });
}
