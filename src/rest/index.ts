// Public surface of src/rest; re-exported by src/index.ts.

// Generated clients, one per service (`ObjectService` is the `object` service).
export * from '../generated/clients.js';
// Their input and output types (`QueueTypes.TaskClaimResponse`): types only, free at run time.
export type * from '../generated/types.js';

// The client core, for any API reference.
export { TaskclusterClient, type ApiMethod, type CallArgs, type ItemOf } from './client.js';
export {
  clientClass,
  createClient,
  createClients,
  fetchClients,
  type DynamicClient,
  type DynamicClientClass,
  type FetchClientsOptions,
} from './create-client.js';
export type { Query, QueryValue, RouteArg } from './call-arguments.js';
export type { EntrySpec, ServiceSpec } from './service-spec.js';
export type { SignedUrlOptions } from './signed-url.js';
export { closeConnections } from './transport.js';

// Task definitions cached by taskId, one request shared by concurrent callers.
export { TaskCache, type TaskCacheOptions } from './task-cache.js';

// Options and credentials.
export { DEFAULT_OPTIONS, type Certificate, type ClientOptions, type Credentials, type CredentialsProvider } from './options.js';
export { fromEnv } from './from-env.js';
export {
  createTemporaryCredentials,
  type TemporaryCredentials,
  type TemporaryCredentialsOptions,
} from './temporary-credentials.js';
export {
  renewingCredentials,
  temporaryCredentialsProvider,
  type ExpiringCredentials,
  type RenewingCredentialsOptions,
  type TemporaryCredentialsProviderOptions,
} from './renewing-credentials.js';

// Scopes: satisfaction (taskcluster-lib-scopes) and what credentials are, to check before acting.
export * from './scopes/index.js';

// Errors.
export { ApiArgumentError } from './api-argument-error.js';
export { TaskclusterError } from './taskcluster-error.js';
export type { NetworkErrorCode } from './network-error.js';

// Utilities.
export { fromNow } from './from-now.js';
export { slugid, slugidV4 } from './slugid.js';
