import { isUtf8 } from 'node:buffer';
import { compileRoutingKeyCheck, compileRoutingKeyDecoder, type RoutingKeyCheck, type RoutingKeyDecoder } from '../bindings/decode-routing-key.js';
import type { Binding } from '../bindings/types.js';
import type { AmqpMessage } from './amqp-api.js';
import { brokerDeliveryCount } from './delivery-counter.js';
import type { DecodeOptions } from './decode-options.js';
import { PayloadValidator } from './payload-validator.js';
import { MalformedMessageError, UnboundMessageError, type DeliveryInfo } from './pulse-errors.js';
import { type DeliveryChannel, ReceivedMessage } from './pulse-message.js';
import type { RetryRoute } from './retry-queue.js';
import { compileTopicPattern, type TopicMatcher } from '../bindings/topic-pattern.js';

export type Decoded =
  | { readonly kind: 'message'; readonly message: ReceivedMessage }
  | { readonly kind: 'malformed'; readonly error: MalformedMessageError }
  | { readonly kind: 'unbound'; readonly error: UnboundMessageError };

interface ExchangeEntry {
  readonly binding: Binding;
  readonly matchers: TopicMatcher[];
  readonly decodeFields: RoutingKeyDecoder;
  /** Whether a key decodes; the fields themselves are decoded when the handler reads them. */
  readonly keyFits: RoutingKeyCheck;
}

/**
 * Turns raw deliveries into `PulseMessage`s for a fixed set of bindings:
 * parses the JSON body (strict UTF-8), decodes the routing key by the
 * exchange's reference, optionally validates the payload against the
 * exchange's schema, extracts task routes from the CC header, and recognises
 * messages no current binding asked for (left over bindings on a durable queue).
 * Options are checked by the constructor, before any network I/O.
 */
export class MessageDecoder {
  readonly #exchanges = new Map<string, ExchangeEntry>();
  readonly #validator: PayloadValidator | undefined;

  constructor(
    bindings: readonly Binding[],
    options: DecodeOptions = {},
    /** With `retryQueues`: messages back from a retry queue are decoded as first published. */
    private readonly retryRoute?: RetryRoute,
  ) {
    this.#validator = PayloadValidator.fromOptions(bindings, options);
    for (const binding of bindings) {
      let entry = this.#exchanges.get(binding.exchange);
      if (!entry) {
        entry = { binding, matchers: [], decodeFields: compileRoutingKeyDecoder(binding), keyFits: compileRoutingKeyCheck(binding) };
        this.#exchanges.set(binding.exchange, entry);
      }
      entry.matchers.push(compileTopicPattern(binding.routingKeyPattern));
    }
  }

  /** Readies what decoding needs beyond the constructor (compiles schemas when validating); call when a subscription starts. */
  prepare(): void {
    this.#validator?.prepare();
  }

  decode(delivered: AmqpMessage, queue: string, channel: DeliveryChannel): Decoded {
    const restored = this.retryRoute?.restore(delivered);
    const raw = restored?.raw ?? delivered;
    const { exchange, routingKey, redelivered } = raw.fields;
    const headers = raw.properties.headers;
    const cc = ccOf(headers?.CC);
    const entry = this.#exchanges.get(exchange);
    if (!entry || !matchesAny(entry.matchers, routingKey, cc)) {
      return { kind: 'unbound', error: new UnboundMessageError(deliveryOf(raw, queue)) };
    }
    // toString('utf8') would turn invalid bytes into U+FFFD silently, changing the payload.
    if (!isUtf8(raw.content)) return malformed(raw, queue, `body is not valid UTF-8 (${raw.content.length} bytes)`);
    let payload: unknown;
    try {
      payload = JSON.parse(raw.content.toString('utf8'));
    } catch (cause) {
      return malformed(raw, queue, 'body is not JSON', cause);
    }
    // Checked in place here, decoded (the same way) only if the handler reads `fields`.
    if (!entry.keyFits(routingKey)) {
      try {
        entry.decodeFields(routingKey);
      } catch (cause) {
        return malformed(raw, queue, (cause as Error).message, cause);
      }
    }
    const invalid = this.#validator?.check(exchange, payload);
    if (invalid !== undefined) return malformed(raw, queue, invalid);
    const routes = routesOf(cc);
    let deliveryCount = brokerDeliveryCount(redelivered, delivered.properties.headers?.['x-delivery-count'], channel.brokerCountsDeliveries);
    // Back from a retry queue: the broker counted the earlier failures in x-death; an unknown redelivery since then is at least one more.
    if (restored) deliveryCount = restored.retries + (deliveryCount ?? 2);
    return { kind: 'message', message: new ReceivedMessage(raw, entry.binding, entry.decodeFields, routes, payload, queue, deliveryCount, channel) };
  }
}

const NO_ROUTES: readonly string[] = Object.freeze([]);

/** A delivery that cannot become a message (a function, not a closure per delivery). */
function malformed(raw: AmqpMessage, queue: string, reason: string, cause?: unknown): Decoded {
  return { kind: 'malformed', error: new MalformedMessageError(deliveryOf(raw, queue), raw.content, reason, cause === undefined ? undefined : { cause }) };
}

/** Where a delivery came from, for errors only (built off the hot path). */
function deliveryOf(raw: AmqpMessage, queue: string): DeliveryInfo {
  const { exchange, routingKey, redelivered } = raw.fields;
  return { queue, exchange, routingKey, redelivered };
}

/** The CC header as strings; amqplib gives an array of strings, so that case allocates nothing. */
function ccOf(value: unknown): readonly string[] {
  if (value === undefined || value === null) return NO_ROUTES;
  if (Array.isArray(value) && allStrings(value)) return value as string[];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item)));
}

function allStrings(list: readonly unknown[]): boolean {
  for (const item of list) if (typeof item !== 'string') return false;
  return true;
}

/** Task routes: the CC entries starting with `route.`, without it. */
function routesOf(cc: readonly string[]): readonly string[] {
  let routes: string[] | undefined;
  for (const key of cc) if (key.startsWith('route.')) (routes ??= []).push(key.slice(6));
  return routes ?? NO_ROUTES;
}

function matchesAny(matchers: readonly TopicMatcher[], routingKey: string, cc: readonly string[]): boolean {
  for (const match of matchers) if (match(routingKey)) return true;
  for (const key of cc) for (const match of matchers) if (match(key)) return true;
  return false;
}
