/**
 * A local HTTP server that checks every request the way a Taskcluster service
 * does: Hawk `Authorization` headers and bewits through hawk's server side,
 * `ext` parsed, temporary credentials' certificates verified and their access
 * tokens derived here, independently of the code under test (after
 * taskcluster/services/auth/src/signaturevalidator.js).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import hawk from 'hawk';
import type { Certificate } from '../../src/rest/options.js';

export interface Ext {
  readonly certificate?: TemporaryCertificate;
  readonly authorizedScopes?: readonly string[];
}

// Only the shape is shared with the code under test; every check below is independent.
export type TemporaryCertificate = Certificate;

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

export interface VerifiedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined. */
  readonly body: unknown;
  readonly auth: Authentication;
}

export type Handler = (request: VerifiedRequest, response: ServerResponse) => void | Promise<void>;

export interface HawkServer {
  /** Use as `rootUrl`. */
  readonly rootUrl: string;
  readonly port: number;
  /** Every request that passed authentication, in arrival order. */
  readonly requests: VerifiedRequest[];
  /** Requests refused with 401, and why. */
  readonly refusals: { readonly url: string; readonly reason: string }[];
  /** Replaces the handler. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Sends a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Answers 200 with what it received: `{method, path, query, body, clientId}`. */
export const echo: Handler = (request, response) =>
  sendJson(response, 200, {
    method: request.method,
    path: request.path,
    query: Object.fromEntries(request.query),
    body: request.body,
    clientId: request.auth.scheme === 'none' ? null : request.auth.clientId,
  });

/**
 * Starts the server on 127.0.0.1. `clients` maps permanent clientIds to access
 * tokens. Requests whose authentication fails get 401 and never reach the handler.
 */
export async function startHawkServer(clients: Readonly<Record<string, string>>, handler: Handler = echo): Promise<HawkServer> {
  const requests: VerifiedRequest[] = [];
  const refusals: { url: string; reason: string }[] = [];
  const nonces = new Set<string>();
  let current = handler;

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'TestServerError', message: String(error) });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let auth: Authentication;
    try {
      auth = await authenticate(req, clients, nonces);
    } catch (error) {
      const reason = (error as Error).message;
      refusals.push({ url: req.url ?? '', reason });
      sendJson(res, 401, { code: 'AuthenticationFailed', message: reason });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://server.invalid');
    const request: VerifiedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text === '' ? undefined : JSON.parse(text),
      auth,
    };
    requests.push(request);
    await current(request, res);
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    rootUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    refusals,
    handle(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function authenticate(req: IncomingMessage, clients: Readonly<Record<string, string>>, nonces: Set<string>): Promise<Authentication> {
  const authorization = req.headers.authorization;
  const hasBewit = /^\/.*[?&]bewit=/.test(req.url ?? '');
  if (authorization !== undefined) {
    const attributes = hawk.utils.parseAuthorizationHeader(authorization) as { ext?: string };
    const ext = parseExt(attributes.ext);
    const { credentials } = await hawk.server.authenticate(req, (async (id: string) => credentialsFor(id, ext, clients)) as never, {
      timestampSkewSec: 15 * 60,
      // A replayed nonce would mean a retry reused its signature.
      nonceFunc: async (key: string, nonce: string, ts: string) => {
        const seen = `${key}:${nonce}:${ts}`;
        if (nonces.has(seen)) throw new Error('nonce reused');
        nonces.add(seen);
      },
    } as never);
    return { scheme: 'hawk', ...identity(credentials), ext };
  }
  if (hasBewit) {
    const ext = parseExt(bewitExt(req.url ?? ''));
    const { credentials } = await hawk.uri.authenticate(req, (async (id: string) => credentialsFor(id, ext, clients)) as never, {} as never);
    return { scheme: 'bewit', ...identity(credentials), ext };
  }
  return { scheme: 'none' };
}

/** Who the credentials function said the caller is (not the key). */
function identity(credentials: unknown): { clientId: string; issuer: string; temporary: boolean } {
  const { clientId, issuer, temporary } = credentials as ReturnType<typeof credentialsFor>;
  return { clientId, issuer, temporary };
}

function bewitExt(url: string): string | undefined {
  const bewit = /[?&]bewit=([^&]*)/.exec(url)?.[1];
  if (!bewit) return undefined;
  const parts = Buffer.from(bewit, 'base64url').toString('utf8').split('\\');
  return parts.length === 4 && parts[3] ? parts[3] : undefined;
}

function parseExt(ext: string | undefined): Ext | undefined {
  if (!ext) return undefined;
  try {
    return JSON.parse(Buffer.from(ext, 'base64').toString('utf8')) as Ext;
  } catch {
    throw new Error('Failed to parse ext');
  }
}

/** The Hawk key for `id`: a permanent client's token, or one derived from a verified certificate. */
function credentialsFor(id: string, ext: Ext | undefined, clients: Readonly<Record<string, string>>) {
  const certificate = ext?.certificate;
  const issuer = certificate?.issuer ?? id;
  if (certificate?.issuer !== undefined && certificate.issuer === id) throw new Error('ext.certificate.issuer must differ from the clientId');
  const issuerToken = clients[issuer];
  if (issuerToken === undefined) throw new Error(`client ${issuer} not found`);
  if (ext?.authorizedScopes !== undefined && !(Array.isArray(ext.authorizedScopes) && ext.authorizedScopes.every((s) => typeof s === 'string'))) {
    throw new Error('ext.authorizedScopes must be an array of strings');
  }
  if (certificate === undefined) return { key: issuerToken, algorithm: 'sha256', clientId: id, issuer, temporary: false };
  checkCertificate(id, certificate, issuerToken);
  const key = createHmac('sha256', issuerToken).update(certificate.seed).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '');
  return { key, algorithm: 'sha256', clientId: id, issuer, temporary: true };
}

function checkCertificate(id: string, cert: TemporaryCertificate, issuerToken: string): void {
  if (typeof cert !== 'object' || cert === null) throw new Error('ext.certificate must be a JSON object');
  if (cert.version !== 1) throw new Error('ext.certificate.version must be 1');
  if (typeof cert.seed !== 'string' || cert.seed.length !== 44) throw new Error('ext.certificate.seed must be 44 characters');
  if (typeof cert.start !== 'number' || typeof cert.expiry !== 'number') throw new Error('ext.certificate.start/expiry must be numbers');
  if (!Array.isArray(cert.scopes)) throw new Error('ext.certificate.scopes must be an array');
  const now = Date.now();
  if (cert.start > now + 5 * 60 * 1000) throw new Error('ext.certificate.start > now');
  if (cert.expiry < now - 5 * 60 * 1000) throw new Error('ext.certificate.expiry < now');
  if (cert.expiry - cert.start > 31 * 24 * 60 * 60 * 1000) throw new Error('ext.certificate cannot last longer than 31 days!');
  if (cert.issuer === undefined && 'clientId' in cert) throw new Error('ext.certificate.clientId must only be used with ext.certificate.issuer');
  const lines = ['version:1'];
  if (cert.issuer !== undefined) lines.push(`clientId:${id}`, `issuer:${cert.issuer}`);
  lines.push(`seed:${cert.seed}`, `start:${cert.start}`, `expiry:${cert.expiry}`, 'scopes:', ...cert.scopes);
  const expected = createHmac('sha256', issuerToken).update(lines.join('\n')).digest('base64');
  const given = Buffer.from(String(cert.signature));
  if (given.length !== Buffer.byteLength(expected) || !timingSafeEqual(given, Buffer.from(expected))) {
    throw new Error('ext.certificate.signature is not valid');
  }
}
