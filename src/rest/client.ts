import { setTimeout as sleep } from 'node:timers/promises';
import { ApiArgumentError } from './api-argument-error.js';
import { backoffDelay, isRetriableStatus } from './backoff.js';
import { buildPath, parseCall, queryString, type ParsedCall } from './call-arguments.js';
import { compileEntry, type CompiledEntry } from './compiled-entry.js';
import { endpointOf, type Endpoint } from './endpoint.js';
import { HawkSigner } from './hawk-signer.js';
import { checkCredentials, resolveOptions, type ClientOptions, type Credentials, type ResolvedOptions } from './options.js';
import { pageItems, paginate, type AnswerCheck } from './pagination.js';
import { redactText } from './redaction.js';
import { errorAnswer, successValue } from './response.js';
import type { ServiceSpec } from './service-spec.js';
import { signedUrl, splitSignedUrlOptions, type SignedUrlOptions } from './signed-url.js';
import { TaskclusterError } from './taskcluster-error.js';
import { NetworkError } from './network-error.js';
import { measuredRequest } from './rest-metrics.js';
import type { HttpResponse } from './transport.js';

/** Any API method of a client. */
export type ApiMethod = (...args: never[]) => Promise<unknown>;

/**
 * The argument lists a method accepts: both forms of a generated method (its
 * keyword and positional overloads), or the parameters of a plain function.
 */
export type CallArgs<M> = M extends {
  (...args: infer Keyword): Promise<unknown>;
  (...args: infer Positional): Promise<unknown>;
}
  ? Keyword | Positional
  : M extends (...args: infer A) => Promise<unknown>
    ? A
    : never;

/** The items of a page: the elements of its array property (`unknown` for untyped clients). */
export type ItemOf<Page> = unknown extends Page
  ? unknown
  : { [K in keyof Page]-?: NonNullable<Page[K]> extends readonly (infer Item)[] ? Item : never }[keyof Page];

const compiledServices = new WeakMap<ServiceSpec, readonly CompiledEntry[]>();
const methodTables = new WeakMap<object, Map<unknown, CompiledEntry>>();

/**
 * Base of every client: the generated `Queue`, `Auth`, ... and those
 * `createClient` builds from a reference at run time. Subclasses get one method
 * per API entry from `defineApiMethods`.
 *
 * Everything about credentials is private: logging a client shows no secret.
 */
export class TaskclusterClient {
  readonly #service: ServiceSpec;
  readonly #entries: readonly CompiledEntry[];
  readonly #options: ResolvedOptions;
  readonly #endpoint: Endpoint;
  /** Signs requests: `null` when unsigned (no credentials, or a proxy signs), `undefined` when a provider decides. */
  readonly #requestSigner: HawkSigner | null | undefined;
  /** Signs URLs (synchronously, so static credentials only): `null` without credentials, `undefined` with a provider. */
  readonly #urlSigner: HawkSigner | null | undefined;
  #providerSigner: HawkSigner | undefined;
  readonly #where: string;

  constructor(service: ServiceSpec, options: ClientOptions) {
    this.#service = service;
    this.#where = `${service.serviceName} client`;
    this.#options = resolveOptions(options, this.#where);
    this.#entries = compiledEntries(service);
    this.#endpoint = endpointOf(service, this.#options);
    const credentials = this.#options.credentials;
    this.#urlSigner =
      typeof credentials === 'function'
        ? undefined
        : credentials === undefined
          ? null
          : new HawkSigner(credentials, this.#options.authorizedScopes, this.#where);
    // Behind a proxy, the proxy signs requests; credentials, if any, only sign URLs.
    this.#requestSigner = this.#options.proxyUrl !== undefined ? null : this.#urlSigner;
  }

  /** A copy of this client with some options changed, e.g. `queue.use({authorizedScopes: [...]})`. */
  use(changes: Partial<ClientOptions>): this {
    const Client = this.constructor as new (options: ClientOptions) => this;
    return new Client({ ...this.#options, ...changes });
  }

  /**
   * The URL a call would request, e.g. `queue.buildUrl(queue.getArtifact, taskId, runId, name)`.
   * Takes the same arguments as the method (positional or keyword form). Answers
   * with `rootUrl` even when requests go through a proxy.
   */
  buildUrl<M extends ApiMethod>(method: M, ...args: CallArgs<M>): string {
    const entry = this.#entryOf(method, 'buildUrl');
    const { pathname, search } = this.#publicPath(entry, parseCall(entry, args));
    return this.#endpoint.public.origin + pathname + search;
  }

  /**
   * A URL anyone can GET for `expiration` seconds (default 900): the method's URL
   * with a Hawk bewit. GET methods only; needs static credentials (for rotating
   * ones: `client.use({credentials: await provider()}).buildSignedUrl(...)`).
   */
  buildSignedUrl<M extends ApiMethod>(method: M, ...args: CallArgs<M> | [...CallArgs<M>, SignedUrlOptions]): string {
    const entry = this.#entryOf(method, 'buildSignedUrl');
    if (entry.httpMethod !== 'GET') {
      throw new ApiArgumentError(entry.fullName, undefined, `buildSignedUrl works only for GET methods; this one is ${entry.httpMethod}`);
    }
    const { callArgs, expiration } = splitSignedUrlOptions(entry, args);
    const { pathname, search } = this.#publicPath(entry, parseCall(entry, callArgs));
    const signer = this.#urlSigner;
    if (!signer) {
      const rule =
        signer === null
          ? 'needs credentials to sign a URL'
          : 'needs static credentials; with a provider use client.use({credentials: await provider()}).buildSignedUrl(...)';
      throw new ApiArgumentError(entry.fullName, 'credentials', rule);
    }
    return signedUrl(signer, this.#endpoint.public, pathname, search, expiration);
  }

  /**
   * Every page of a list method (one taking `continuationToken`), fetching the
   * next while an answer carries a non-empty `continuationToken`. Arguments as
   * for the method; a `continuationToken` given in the query is the start.
   */
  pages<M extends ApiMethod>(method: M, ...args: CallArgs<M>): AsyncIterableIterator<Awaited<ReturnType<M>>> {
    const entry = this.#paginatedEntryOf(method, 'pages');
    const call = parseCall(entry, args);
    return paginate(call, (pageCall, check) => this.#send(entry, pageCall, check)) as AsyncIterableIterator<Awaited<ReturnType<M>>>;
  }

  /** The items of every page of a list method, e.g. each task of `queue.listTaskGroup`. */
  items<M extends ApiMethod>(method: M, ...args: CallArgs<M>): AsyncIterableIterator<ItemOf<Awaited<ReturnType<M>>>> {
    const entry = this.#paginatedEntryOf(method, 'items');
    const call = parseCall(entry, args);
    return pageItems(entry, paginate(call, (pageCall, check) => this.#send(entry, pageCall, check))) as AsyncIterableIterator<
      ItemOf<Awaited<ReturnType<M>>>
    >;
  }

  /**
   * Adds one method per API entry to a client class's prototype, each calling
   * `callEntry` with the entry's index. The generated classes declare the types.
   */
  protected static defineApiMethods(service: ServiceSpec): void {
    service.entries.forEach((entry, index) => {
      const method = function (this: TaskclusterClient, ...args: unknown[]): Promise<unknown> {
        return this.callEntry(index, args);
      };
      Object.defineProperty(method, 'name', { value: entry.name });
      Object.defineProperty(this.prototype, entry.name, { value: method, writable: true, configurable: true });
    });
  }

  /** Calls API entry number `index` of the service. */
  protected callEntry<T>(index: number, args: readonly unknown[]): Promise<T> {
    const entry = this.#entries[index]!;
    let call: ParsedCall;
    try {
      call = parseCall(entry, args);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#send(entry, call) as Promise<T>;
  }

  /** Sends a call, with retries; `check` may refuse a successful answer that cannot be right. */
  async #send(entry: CompiledEntry, call: ParsedCall, check?: AnswerCheck): Promise<unknown> {
    const endpoint = this.#endpoint.requests;
    const options = this.#options;
    const pathname = endpoint.basePath + buildPath(entry, call.routeArgs);
    const search = queryString(call.query);
    const path = pathname + search;
    const body = entry.hasInput ? JSON.stringify(call.payload) : undefined;
    for (let attempt = 1; ; attempt++) {
      const signer = this.#requestSigner === undefined ? await this.#currentProviderSigner() : this.#requestSigner;
      const headers: Record<string, string> = { accept: 'application/json' };
      let authorization: string | undefined;
      if (signer) headers.authorization = authorization = signer.header(entry.httpMethod, endpoint.signingTarget, pathname, search);
      if (body !== undefined) headers['content-type'] = 'application/json';

      let response: HttpResponse;
      try {
        response = await measuredRequest(endpoint.origin, { method: entry.httpMethod, path, headers, body }, options.timeout, {
          service: this.#service.serviceName,
          method: entry.spec.name,
          httpMethod: entry.httpMethod,
          site: endpoint.signingTarget,
        });
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        const secrets = secretsOf(signer, authorization);
        const failure = new TaskclusterError({
          method: entry.fullName,
          url: endpoint.origin + path,
          code: error.code,
          reason: redactText(error.message, secrets),
          attempts: attempt,
          cause: error.cause,
        });
        if (attempt > options.retries) throw failure;
        await sleep(backoffDelay(attempt, options));
        continue;
      }
      if (response.statusCode < 400) return this.#successValue(entry, endpoint.origin + path, response, attempt, check);
      const answer = errorAnswer(response, secretsOf(signer, authorization));
      const failure = new TaskclusterError({
        method: entry.fullName,
        url: endpoint.origin + path,
        statusCode: response.statusCode,
        ...answer,
        attempts: attempt,
      });
      if (!isRetriableStatus(response.statusCode) || attempt > options.retries) throw failure;
      await sleep(backoffDelay(attempt, options));
    }
  }

  #successValue(entry: CompiledEntry, url: string, response: HttpResponse, attempts: number, check: AnswerCheck | undefined): unknown {
    const invalid = (reason: string) =>
      new TaskclusterError({ method: entry.fullName, url, statusCode: response.statusCode, code: 'InvalidResponse', reason, attempts });
    let value: unknown;
    try {
      value = successValue(response);
    } catch (error) {
      throw invalid(`the response is not valid JSON: ${(error as Error).message}`);
    }
    const problem = check?.(value);
    if (problem !== undefined) throw invalid(problem);
    return value;
  }

  async #currentProviderSigner(): Promise<HawkSigner | null> {
    const provider = this.#options.credentials as () => Credentials | undefined | Promise<Credentials | undefined>;
    const credentials = await provider();
    if (credentials === undefined) return null;
    const last = this.#providerSigner;
    if (last && sameCredentials(last.credentials, credentials)) return last;
    checkCredentials(credentials, 'credentials()', (field, rule) => {
      throw new ApiArgumentError(this.#where, field, rule);
    });
    return (this.#providerSigner = new HawkSigner(credentials, this.#options.authorizedScopes, this.#where));
  }

  #publicPath(entry: CompiledEntry, call: ParsedCall): { pathname: string; search: string } {
    return { pathname: this.#endpoint.public.basePath + buildPath(entry, call.routeArgs), search: queryString(call.query) };
  }

  #paginatedEntryOf(method: unknown, what: string): CompiledEntry {
    const entry = this.#entryOf(method, what);
    if (!entry.paginated) {
      throw new ApiArgumentError(entry.fullName, undefined, `${what}() needs a method taking continuationToken; this one does not`);
    }
    return entry;
  }

  /** The entry behind `client.someMethod`, for buildUrl and friends. */
  #entryOf(method: unknown, what: string): CompiledEntry {
    const prototype = Object.getPrototypeOf(this) as object;
    let table = methodTables.get(prototype);
    if (table === undefined) {
      table = new Map();
      for (const entry of this.#entries) table.set((prototype as Record<string, unknown>)[entry.spec.name], entry);
      methodTables.set(prototype, table);
    }
    const entry = table.get(method);
    if (entry === undefined) {
      throw new ApiArgumentError(
        `${this.#service.serviceName}.${what}`,
        'method',
        `must be an API method of this client, e.g. client.${this.#service.entries[0]?.name ?? 'ping'}`,
      );
    }
    return entry;
  }
}

function compiledEntries(service: ServiceSpec): readonly CompiledEntry[] {
  let entries = compiledServices.get(service);
  if (entries === undefined) {
    entries = service.entries.map((spec) => compileEntry(service, spec));
    compiledServices.set(service, entries);
  }
  return entries;
}

function sameCredentials(a: Credentials, b: Credentials): boolean {
  return a === b || (a.clientId === b.clientId && a.accessToken === b.accessToken && a.certificate === b.certificate);
}

/**
 * Exact values that must never reach an error, besides what redactText finds
 * by structure: the MAC of this request and the access token (a server could
 * echo them outside any structure).
 */
function secretsOf(signer: HawkSigner | null, authorization: string | undefined): string[] {
  if (!signer) return [];
  const mac = authorization === undefined ? undefined : /mac="([^"]+)"/.exec(authorization)?.[1];
  return mac === undefined ? [signer.credentials.accessToken] : [signer.credentials.accessToken, mac];
}
