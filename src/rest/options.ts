import { ApiArgumentError } from './api-argument-error.js';
import { redactUrl } from './redaction.js';

/** A temporary credential's certificate, as `createTemporaryCredentials` makes it. */
export interface Certificate {
  readonly version: 1;
  readonly scopes: readonly string[];
  /** Milliseconds since the epoch. */
  readonly start: number;
  readonly expiry: number;
  /** 44 characters: two slugids. */
  readonly seed: string;
  /** Base64 HMAC-SHA256 by the issuer's access token. */
  readonly signature: string;
  /** Named temporary credentials only: the issuing clientId. */
  readonly issuer?: string;
}

export interface Credentials {
  readonly clientId: string;
  readonly accessToken: string;
  /** Temporary credentials only: the certificate, as JSON text (as issued) or parsed. */
  readonly certificate?: string | Certificate;
}

/**
 * Credentials that change over time (rotation, short-lived temporary
 * credentials): called before every attempt, so it should cache.
 */
export type CredentialsProvider = () => Credentials | undefined | Promise<Credentials | undefined>;

export interface ClientOptions {
  /** The deployment, e.g. `https://tc.example.com`. Required. */
  readonly rootUrl: string;
  /** Omit for anonymous calls (no Authorization header). */
  readonly credentials?: Credentials | CredentialsProvider | undefined;
  /** Restrict requests to these scopes (a subset of the credentials' scopes). */
  readonly authorizedScopes?: readonly string[] | undefined;
  /** Milliseconds one attempt may take, response body included. Default 30 000. */
  readonly timeout?: number;
  /** Retries after the first attempt for 5xx, network errors and timeouts. Default 5. */
  readonly retries?: number;
  /** Base of the exponential backoff in milliseconds. Default 100. */
  readonly delayFactor?: number;
  /** Jitter: each delay is multiplied by a random factor in [1 - r, 1 + r]. Default 0.25. */
  readonly randomizationFactor?: number;
  /** Upper bound of one backoff delay in milliseconds. Default 30 000. */
  readonly maxDelay?: number;
  /**
   * A taskcluster-proxy (inside a task, `TASKCLUSTER_PROXY_URL`): requests go to
   * `<proxyUrl>/api/<service>/<version><route>` unsigned, and the proxy signs
   * them. `buildUrl` still answers with `rootUrl`.
   */
  readonly proxyUrl?: string | undefined;
}

export interface ResolvedOptions {
  readonly rootUrl: string;
  readonly credentials: Credentials | CredentialsProvider | undefined;
  readonly authorizedScopes: readonly string[] | undefined;
  readonly timeout: number;
  readonly retries: number;
  readonly delayFactor: number;
  readonly randomizationFactor: number;
  readonly maxDelay: number;
  readonly proxyUrl: string | undefined;
}

export const DEFAULT_OPTIONS = {
  timeout: 30_000,
  retries: 5,
  delayFactor: 100,
  randomizationFactor: 0.25,
  maxDelay: 30_000,
} as const;

/** Checks and completes client options; `where` names the client in errors. */
export function resolveOptions(options: ClientOptions | undefined, where: string): ResolvedOptions {
  const fail = (field: string, rule: string): never => {
    throw new ApiArgumentError(where, field, rule);
  };
  if (typeof options !== 'object' || options === null) return fail('options', 'an options object with rootUrl is required');
  const rootUrl = checkUrl(options.rootUrl, 'rootUrl', fail, 'is required (the deployment, e.g. https://tc.example.com)');
  const proxyUrl = options.proxyUrl === undefined ? undefined : checkUrl(options.proxyUrl, 'proxyUrl', fail, 'must be a URL');
  const number = (field: keyof typeof DEFAULT_OPTIONS, valid: (n: number) => boolean, rule: string): number => {
    const value = options[field] ?? DEFAULT_OPTIONS[field];
    return typeof value === 'number' && valid(value) ? value : fail(field, rule);
  };
  const credentials = options.credentials;
  if (credentials !== undefined && typeof credentials !== 'function') checkCredentials(credentials, 'credentials', fail);
  const scopes = options.authorizedScopes;
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) {
    fail('authorizedScopes', 'must be an array of strings');
  }
  return {
    rootUrl,
    proxyUrl,
    credentials,
    authorizedScopes: scopes,
    timeout: number('timeout', (n) => n > 0 && Number.isFinite(n), 'must be a positive number of milliseconds'),
    retries: number('retries', (n) => Number.isInteger(n) && n >= 0, 'must be a non-negative integer'),
    delayFactor: number('delayFactor', (n) => n >= 0 && Number.isFinite(n), 'must be a non-negative number of milliseconds'),
    randomizationFactor: number('randomizationFactor', (n) => n >= 0 && n < 1, 'must be in [0, 1)'),
    maxDelay: number('maxDelay', (n) => n >= 0, 'must be a non-negative number of milliseconds'),
  };
}

/** Validates a credentials object; its access token never appears in a message. */
export function checkCredentials(value: unknown, field: string, fail: (field: string, rule: string) => never): Credentials {
  if (typeof value !== 'object' || value === null) return fail(field, 'must be {clientId, accessToken, certificate?} or a function returning it');
  const { clientId, accessToken, certificate } = value as Record<string, unknown>;
  if (typeof clientId !== 'string' || clientId === '') fail(`${field}.clientId`, 'must be a non-empty string');
  if (typeof accessToken !== 'string' || accessToken === '') fail(`${field}.accessToken`, 'must be a non-empty string');
  if (certificate !== undefined && certificate !== null && typeof certificate !== 'string' && typeof certificate !== 'object') {
    fail(`${field}.certificate`, 'must be the certificate JSON text or object');
  }
  return value as Credentials;
}

function checkUrl(value: unknown, field: string, fail: (field: string, rule: string) => never, missing: string): string {
  if (typeof value !== 'string' || value === '') return fail(field, missing);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(field, `must be an absolute http(s) URL, got ${JSON.stringify(redactUrl(value))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(field, `must be an http(s) URL, got ${JSON.stringify(redactUrl(value))}`);
  // An `@` anywhere is user info gone wrong: `https://project/bot:<token>@host` parses as host `project`, the token in the path.
  if (url.search || url.hash || url.username || url.password || value.includes('@')) fail(field, 'must not carry a query, fragment or user info');
  return url.origin + url.pathname.replace(/\/+$/, '');
}
