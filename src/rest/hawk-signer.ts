import { ApiArgumentError } from './api-argument-error.js';
import { loadHawk } from './lazy-modules.js';
import type { Credentials } from './options.js';

/** Where requests go, split once per client so signing never parses a URL. */
export interface SigningTarget {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}

/**
 * Signs requests (Hawk `Authorization` header) and URLs (bewit) for one set of
 * credentials. The `ext` attribute (base64 JSON of the temporary credentials'
 * certificate and the authorized scopes) is computed once, here.
 */
export class HawkSigner {
  private readonly hawkCredentials: { readonly id: string; readonly key: string; readonly algorithm: 'sha256' };
  readonly ext: string | undefined;

  constructor(
    readonly credentials: Credentials,
    authorizedScopes: readonly string[] | undefined,
    where: string,
  ) {
    this.hawkCredentials = { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' };
    this.ext = hawkExt(credentials.certificate, authorizedScopes, where);
  }

  /** The `Authorization` header for one request; fresh timestamp and nonce every call. */
  header(method: string, target: SigningTarget, pathname: string, search: string): string {
    const uri = parsedUri(target, pathname, search);
    return loadHawk().client.header(uri, method, { credentials: this.hawkCredentials, ext: this.ext }).header;
  }

  /** A bewit for a GET of `pathname` + `search` at `target`, valid for `ttlSec` seconds. */
  bewit(target: SigningTarget, pathname: string, search: string, ttlSec: number): string {
    const uri = parsedUri(target, pathname, search);
    return loadHawk().uri.getBewit(uri, { credentials: this.hawkCredentials, ttlSec, ext: this.ext, localtimeOffsetMsec: 0 });
  }
}

/**
 * What hawk signs, handed over already parsed. Given a string, hawk re-parses
 * it with the legacy `url.parse`, which escapes characters such as `'`: the MAC
 * would then cover another path than the one sent or handed out. (It also
 * spares a URL parse per request.)
 */
function parsedUri(target: SigningTarget, pathname: string, search: string): string {
  return { protocol: target.protocol, hostname: target.hostname, port: target.port, pathname, search } as unknown as string;
}

/** `ext` as Taskcluster reads it; absent when there is neither a certificate nor authorized scopes. */
export function hawkExt(
  certificate: Credentials['certificate'],
  authorizedScopes: readonly string[] | undefined,
  where: string,
): string | undefined {
  const ext: { certificate?: object; authorizedScopes?: readonly string[] } = {};
  if (typeof certificate === 'string') {
    try {
      ext.certificate = JSON.parse(certificate) as object;
    } catch {
      throw new ApiArgumentError(where, 'credentials.certificate', 'is not valid JSON');
    }
    if (typeof ext.certificate !== 'object' || ext.certificate === null) {
      throw new ApiArgumentError(where, 'credentials.certificate', 'must be a JSON object');
    }
  } else if (certificate) {
    ext.certificate = certificate;
  }
  if (authorizedScopes) ext.authorizedScopes = authorizedScopes;
  return ext.certificate || ext.authorizedScopes ? Buffer.from(JSON.stringify(ext)).toString('base64') : undefined;
}
