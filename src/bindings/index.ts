// Public surface of bindings: what to listen to, for every Taskcluster exchange.
// Re-exported by src/index.ts, and the `taskcluster-pulse/bindings` entry point.
export { BindingError } from './binding-error.js';
export { createEvents, type EventsOptions } from './create-events.js';
export { compileRoutingKeyDecoder, decodeRoutingKey, RoutingKeyDecodeError, type RoutingKeyDecoder, type RoutingKeySource } from './decode-routing-key.js';
export type { DecodedRoutingKey, Events, ExchangeMethod, PositionalValues, RoutingKeyFilter } from './events-types.js';
export { ExchangeBindings } from './exchange-bindings.js';
export { buildRoutingKey } from './routing-key.js';
export { buildRoutingKeyPattern, MAX_ROUTING_KEY_BYTES } from './routing-key-pattern.js';
export type { Binding, FieldsOf, PayloadOf, RawRoutingKeyPattern, RoutingKeyFields, RoutingKeyValue } from './types.js';
export * from '../generated/exchanges.js';
// Message and API payload types (`QueueTypes.TaskCompletedMessage`): types only, free at run time.
export type * from '../generated/types.js';
