/**
 * Hawk authentication as a Taskcluster service does it: `Authorization`
 * headers and bewits checked by hawk's server side (15 minutes of clock skew,
 * nonces remembered), `ext` parsed, and for temporary credentials the
 * certificate verified and the access token derived from it here.
 */
import type { IncomingMessage } from 'node:http';
import type * as Hawk from 'hawk';
import { loadHawk } from '../../rest/lazy-modules.js';
import { temporaryAccessToken, verifyCertificate, type TemporaryCertificate } from './certificate.js';

/** The `ext` a request carried, after its certificate (if any) was verified. */
export interface Ext {
  readonly certificate?: TemporaryCertificate;
  readonly authorizedScopes?: readonly string[];
}

/** Who a request proved to be. */
export type Authentication =
  | { readonly scheme: 'none' }
  | {
      readonly scheme: 'hawk' | 'bewit';
      readonly clientId: string;
      /** The permanent client whose access token signed (the issuer, for temporary credentials). */
      readonly issuer: string;
      readonly ext: Ext | undefined;
      readonly temporary: boolean;
    };

/** Permanent clients: clientId → accessToken. */
export type ClientTokens = Readonly<Record<string, string>>;

const CLOCK_SKEW_SEC = 15 * 60;

/** Resolves to who made `request`; rejects with the reason when its Hawk header or bewit does not hold. */
export async function authenticate(request: IncomingMessage, clients: ClientTokens, seenNonces: Set<string>): Promise<Authentication> {
  const url = request.url ?? '/';
  const authorization = request.headers.authorization;
  // Loaded on the first request, as the REST client loads it: not on import of the package.
  const hawk = loadHawk();
  if (authorization !== undefined) {
    const attributes = hawk.utils.parseAuthorizationHeader(authorization) as { ext?: string };
    const ext = parseExt(attributes.ext);
    const identity = identify(ext, clients);
    await hawk.server.authenticate(request, identity.credentials, {
      timestampSkewSec: CLOCK_SKEW_SEC,
      // A nonce seen twice means a signed request was replayed (or a retry reused its signature).
      nonceFunc: (key, nonce, ts) => {
        const seen = `${key}:${nonce}:${ts}`;
        if (seenNonces.has(seen)) throw new Error('nonce reused');
        seenNonces.add(seen);
      },
    });
    return { scheme: 'hawk', ...identity.who(), ext };
  }
  if (/[?&]bewit=/.test(url)) {
    const ext = parseExt(bewitExt(url));
    const identity = identify(ext, clients);
    await hawk.uri.authenticate(request, identity.credentials);
    return { scheme: 'bewit', ...identity.who(), ext };
  }
  return { scheme: 'none' };
}

/**
 * The credentials function hawk calls with the request's id, and what it
 * decided about the caller. Throws (so hawk refuses) for unknown clients and
 * bad certificates.
 */
function identify(ext: Ext | undefined, clients: ClientTokens) {
  let decided: { clientId: string; issuer: string; temporary: boolean } | undefined;
  const credentials = (id: string): Hawk.server.Credentials => {
    const certificate: unknown = ext?.certificate;
    const named = typeof certificate === 'object' && certificate !== null ? (certificate as { issuer?: unknown }).issuer : undefined;
    if (named !== undefined && named === id) throw new Error('ext.certificate.issuer must differ from the clientId');
    const issuer = typeof named === 'string' ? named : id;
    const issuerToken = Object.hasOwn(clients, issuer) ? clients[issuer] : undefined;
    if (issuerToken === undefined) throw new Error(`client ${issuer} not found`);
    const scopes: unknown = ext?.authorizedScopes;
    if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string'))) {
      throw new Error('ext.authorizedScopes must be an array of strings');
    }
    if (certificate === undefined) {
      decided = { clientId: id, issuer, temporary: false };
      return { key: issuerToken, algorithm: 'sha256', user: id };
    }
    verifyCertificate(id, certificate, issuerToken);
    decided = { clientId: id, issuer, temporary: true };
    return { key: temporaryAccessToken(issuerToken, certificate.seed), algorithm: 'sha256', user: id };
  };
  return {
    credentials,
    who() {
      if (!decided) throw new Error('hawk accepted a request without asking for its credentials');
      return decided;
    },
  };
}

/** The `ext` part of a bewit (`id\exp\mac\ext`, base64url), if any. */
function bewitExt(url: string): string | undefined {
  const bewit = /[?&]bewit=([^&]*)/.exec(url)?.[1];
  if (!bewit) return undefined;
  const parts = Buffer.from(decodeURIComponent(bewit), 'base64url').toString('utf8').split('\\');
  return parts.length === 4 && parts[3] ? parts[3] : undefined;
}

function parseExt(ext: string | undefined): Ext | undefined {
  if (!ext) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(ext, 'base64').toString('utf8'));
  } catch {
    throw new Error('Failed to parse ext');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('ext must be a JSON object');
  return parsed as Ext;
}
