import { fetchReferences, type FetchReferencesOptions } from '../references/fetch-references.js';
import type { ApiEntry, ApiReference } from '../references/types.js';
import { ApiArgumentError } from './api-argument-error.js';
import { TaskclusterClient } from './client.js';
import { resolveOptions, type ClientOptions } from './options.js';
import { serviceSpecOf } from './service-spec.js';

type FunctionNames<R extends ApiReference> = Extract<R['entries'][number], { readonly type: 'function' }>['name'];

/**
 * A client built from a reference at run time: one method per function entry.
 * With a reference typed `as const` the method names are known; otherwise any
 * name is allowed by the types and checked at run time.
 */
export type DynamicClient<R extends ApiReference = ApiReference> = TaskclusterClient & {
  readonly [K in FunctionNames<R>]: (...args: unknown[]) => Promise<unknown>;
};

export type DynamicClientClass<R extends ApiReference = ApiReference> = new (options: ClientOptions) => DynamicClient<R>;

const classes = new WeakMap<ApiReference, DynamicClientClass>();
const HTTP_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'head']);

/** The client class for a reference (built once per reference object). */
export function clientClass<R extends ApiReference>(reference: R): DynamicClientClass<R> {
  let Client = classes.get(reference);
  if (Client === undefined) {
    Client = buildClass(reference);
    classes.set(reference, Client);
  }
  return Client as DynamicClientClass<R>;
}

/**
 * A client for any API reference, e.g. one a deployment serves at
 * `<rootUrl>/references/<service>/v1/api.json`. Same behaviour as the generated
 * classes; the methods are untyped.
 */
export function createClient<R extends ApiReference>(reference: R, options: ClientOptions): DynamicClient<R> {
  return new (clientClass(reference))(options);
}

/** One client per API reference, keyed by `serviceName` (`worker-manager`, ...). */
export function createClients(references: readonly ApiReference[], options: ClientOptions): Record<string, DynamicClient> {
  return Object.fromEntries(references.map((reference) => [reference.serviceName, createClient(reference, options)]));
}

export interface FetchClientsOptions extends Omit<ClientOptions, 'rootUrl'>, FetchReferencesOptions {}

/**
 * Clients for every API a live deployment describes (its `/references/`), for
 * services or versions newer than this package's generated classes.
 */
export async function fetchClients(rootUrl: string, options: FetchClientsOptions = {}): Promise<Record<string, DynamicClient>> {
  const { services, fetch, ...clientOptions } = options;
  // Checked before fetching: a bad root URL (one with a password, say) is refused by name, not quoted by fetch.
  resolveOptions({ ...clientOptions, rootUrl }, 'fetchClients');
  const references = await fetchReferences(rootUrl, { ...(services && { services }), ...(fetch && { fetch }) });
  return createClients(references.apis, { ...clientOptions, rootUrl });
}

function buildClass(reference: ApiReference): DynamicClientClass {
  checkReference(reference);
  const service = serviceSpecOf(reference);
  class Client extends TaskclusterClient {
    constructor(options: ClientOptions) {
      super(service, options);
    }

    static {
      this.defineApiMethods(service);
    }
  }
  return Client as unknown as DynamicClientClass;
}

function checkReference(reference: ApiReference): void {
  const fail = (field: string, rule: string): never => {
    throw new ApiArgumentError('createClient', field, rule);
  };
  if (typeof reference !== 'object' || reference === null) fail('reference', 'must be an API reference object');
  if (typeof reference.serviceName !== 'string' || !/^[a-z0-9-]+$/.test(reference.serviceName)) {
    fail('reference.serviceName', 'must be a service name such as "queue"');
  }
  if (typeof reference.apiVersion !== 'string' || !/^v\d+$/.test(reference.apiVersion)) fail('reference.apiVersion', 'must be like "v1"');
  if (!Array.isArray(reference.entries)) fail('reference.entries', 'must be an array');
  const names = new Set<string>();
  reference.entries.forEach((entry: ApiEntry, i) => {
    if (entry.type !== 'function') return;
    const at = `reference.entries[${i}]`;
    if (typeof entry.name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(entry.name)) fail(`${at}.name`, 'must be an identifier');
    if (entry.name in TaskclusterClient.prototype || names.has(entry.name)) {
      fail(`${at}.name`, `"${entry.name}" collides with another method of the client`);
    }
    names.add(entry.name);
    if (!HTTP_METHODS.has(entry.method)) fail(`${at}.method`, `must be one of ${[...HTTP_METHODS].join(', ')}`);
    if (typeof entry.route !== 'string' || !entry.route.startsWith('/')) fail(`${at}.route`, 'must be a path starting with /');
    for (const key of ['args', 'query'] as const) {
      const list: unknown = entry[key];
      if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) fail(`${at}.${key}`, 'must be an array of strings');
    }
  });
}
