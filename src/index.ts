/**
 * taskcluster-pulse: bots that react to Taskcluster events.
 * Data flows one way: references → bindings and clients → transport.
 */

// References: shapes and loaders.
export type {
  ApiEntry,
  ApiReference,
  ExchangeEntry,
  ExchangeReference,
  HttpMethod,
  JsonSchemaDocument,
  ReferenceSet,
  RoutingKeyEntry,
  ScopeExpression,
} from './references/types.js';
export { fetchReferences, type FetchReferencesOptions } from './references/fetch-references.js';

// Bindings.
export { BindingError } from './bindings/binding-error.js';
export { createEvents, type EventsOptions } from './bindings/create-events.js';
export { decodeRoutingKey, RoutingKeyDecodeError, type RoutingKeySource } from './bindings/decode-routing-key.js';
export type { DecodedRoutingKey, Events, ExchangeMethod, PositionalValues, RoutingKeyFilter } from './bindings/events-types.js';
export { ExchangeBindings } from './bindings/exchange-bindings.js';
export { buildRoutingKey } from './bindings/routing-key.js';
export { buildRoutingKeyPattern, MAX_ROUTING_KEY_BYTES } from './bindings/routing-key-pattern.js';
export type { Binding, FieldsOf, PayloadOf, RawRoutingKeyPattern, RoutingKeyFields, RoutingKeyValue } from './bindings/types.js';
export * from './generated/exchanges.js';
export type * from './generated/types.js';

// REST client (generated from API references).
export * from './rest/index.js';
// Listening: Pulse connections and consumers as RxJS observables.
export * from './pulse/index.js';
// Test kit: publisher and embedded broker.
export * from './testing/index.js';
