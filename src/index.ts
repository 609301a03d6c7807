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

// Bindings (also the entry point taskcluster-pulse/bindings; likewise /rest, /pulse and /testing).
export * from './bindings/index.js';

// REST client (generated from API references).
export * from './rest/index.js';
// Artifacts and objects: downloads (reference artifacts refused unless asked), uploads.
export * from './artifacts/index.js';
// Listening: Pulse connections and consumers as RxJS observables.
export * from './pulse/index.js';
// Test kit: publisher and embedded broker.
export * from './testing/index.js';
