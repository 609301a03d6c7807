import { ApiArgumentError } from './api-argument-error.js';
import { withMaskedDisplay } from './masked-credentials.js';
import { checkCredentials, type Credentials, type CredentialsProvider } from './options.js';
import { redactText } from './redaction.js';
import { createTemporaryCredentials } from './temporary-credentials.js';

/** Credentials and when they stop working, as a renewing provider's source hands them out. */
export interface ExpiringCredentials {
  readonly credentials: Credentials;
  readonly expires: Date;
}

export interface RenewingCredentialsOptions {
  /**
   * Fraction of the credentials' life (from when they were fetched to
   * `expires`) after which the next call fetches new ones. Default 0.75.
   */
  readonly renewAfter?: number;
}

export interface TemporaryCredentialsProviderOptions extends RenewingCredentialsOptions {
  /** The issuer: permanent credentials, kept in this process only to sign certificates. */
  readonly credentials: Credentials;
  /** Scopes granted; the issuer must hold them. Default none. */
  readonly scopes?: readonly string[];
  /** Name for named temporary credentials (the issuer needs `auth:create-client:<name>`). */
  readonly clientId?: string;
  /** Life of each set issued. Default one hour; at most 31 days. */
  readonly lifetimeMs?: number;
}

const HOUR_MS = 3600_000;
const MAX_LIFETIME_MS = 31 * 24 * HOUR_MS;

/**
 * A `credentials` provider for long-running clients whose credentials expire:
 * `fetch` is called for the first request and again once `renewAfter` of the
 * current credentials' life has passed (so well before they expire), one call
 * at a time however many requests wait. If renewing fails while the current
 * credentials are still valid, they are used and the next request tries again;
 * once they have expired, the request fails with the fetch's error.
 */
export function renewingCredentials(fetch: () => Promise<ExpiringCredentials> | ExpiringCredentials, options: RenewingCredentialsOptions = {}): CredentialsProvider {
  const fail = (field: string, rule: string): never => {
    throw new ApiArgumentError('renewingCredentials', field, rule);
  };
  if (typeof fetch !== 'function') fail('fetch', 'must be a function returning {credentials, expires}');
  const renewAfter = options.renewAfter ?? 0.75;
  if (typeof renewAfter !== 'number' || !(renewAfter > 0 && renewAfter < 1)) fail('renewAfter', `must be a number between 0 and 1 (exclusive), got ${String(renewAfter)}`);

  let current: { readonly credentials: Credentials; readonly renewAt: number; readonly expiresAt: number } | undefined;
  let renewing: Promise<Credentials> | undefined;

  const renew = async (): Promise<Credentials> => {
    const fetchedAt = Date.now();
    const answer = (await fetch()) as Partial<ExpiringCredentials> | undefined;
    const invalid = (field: string, rule: string): never => {
      throw new ApiArgumentError('renewingCredentials', `fetch().${field}`, rule);
    };
    const credentials = checkCredentials(answer?.credentials, 'credentials', invalid);
    const expires = answer?.expires;
    if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) return invalid('expires', 'must be a valid Date');
    if (expires.getTime() <= fetchedAt) return invalid('expires', 'is already past: the credentials were expired when fetched');
    const masked = withMaskedDisplay({ ...credentials });
    current = { credentials: masked, renewAt: fetchedAt + renewAfter * (expires.getTime() - fetchedAt), expiresAt: expires.getTime() };
    return masked;
  };

  return async () => {
    const now = Date.now();
    if (current && now < current.renewAt) return current.credentials;
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    try {
      return await renewing;
    } catch (error) {
      // Still valid: carry on with them; the next request tries again.
      if (current && Date.now() < current.expiresAt) return current.credentials;
      throw renewFailed(error, current ? [current.credentials.accessToken] : []);
    }
  };
}

/**
 * A `credentials` provider that issues temporary credentials from permanent
 * ones (locally, as `createTemporaryCredentials` does: no request) and issues
 * new ones before they expire, so a client running for weeks never signs
 * with expired ones. The issuer's access token stays in this process.
 */
export function temporaryCredentialsProvider(options: TemporaryCredentialsProviderOptions): CredentialsProvider {
  const fail = (field: string, rule: string): never => {
    throw new ApiArgumentError('temporaryCredentialsProvider', field, rule);
  };
  if (typeof options !== 'object' || options === null) return fail('options', 'must be {credentials, scopes?, clientId?, lifetimeMs?, renewAfter?}');
  const lifetimeMs = options.lifetimeMs ?? HOUR_MS;
  if (!Number.isInteger(lifetimeMs) || lifetimeMs < 1 || lifetimeMs > MAX_LIFETIME_MS) fail('lifetimeMs', `must be an integer 1-${MAX_LIFETIME_MS} (31 days), got ${String(lifetimeMs)}`);
  const issue = (): ExpiringCredentials => {
    const start = new Date();
    const expires = new Date(start.getTime() + lifetimeMs);
    const credentials = createTemporaryCredentials({
      credentials: options.credentials,
      start,
      expiry: expires,
      ...(options.scopes !== undefined ? { scopes: options.scopes } : {}),
      ...(options.clientId !== undefined ? { clientId: options.clientId } : {}),
    });
    return { credentials, expires };
  };
  // Issued once now and dropped: bad options fail here, before any request.
  issue();
  return renewingCredentials(issue, options.renewAfter === undefined ? {} : { renewAfter: options.renewAfter });
}

/** Why renewing failed, without quoting any secret the source's error may hold. */
function renewFailed(error: unknown, known: readonly string[]): Error {
  if (error instanceof ApiArgumentError) return error;
  const text = redactText(error instanceof Error ? error.message : String(error), known);
  // Not kept as the cause: the source's error is its own, and may hold anything.
  const name = error instanceof Error ? `${error.name}: ` : '';
  return new Error(`renewing credentials failed and the current ones have expired: ${name}${text}`);
}
