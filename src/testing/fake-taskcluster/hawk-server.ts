/**
 * A local HTTP server (127.0.0.1, a free port) that authenticates every
 * request as a Taskcluster service does before a handler sees it. Refused
 * requests get 401 `{code: 'AuthenticationFailed', message}`.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, type Authentication, type ClientTokens } from './hawk-authentication.js';
import { withRedactedDisplay } from './redacted-record.js';

/** A request that passed authentication. */
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

/** A request that was refused with 401, and why. */
export interface Refusal {
  readonly url: string;
  readonly reason: string;
}

export interface HawkServer {
  /** Use as `rootUrl`. */
  readonly rootUrl: string;
  readonly port: number;
  /** Every request that passed authentication, in arrival order. */
  readonly requests: VerifiedRequest[];
  /** Requests refused with 401, and why. */
  readonly refusals: Refusal[];
  /** Replaces the handler. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Sends a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Starts the server. `clients` maps permanent clientIds to access tokens; anonymous requests are let through. */
export async function startHawkServer(clients: ClientTokens, handler: Handler): Promise<HawkServer> {
  const requests: VerifiedRequest[] = [];
  const refusals: Refusal[] = [];
  const seenNonces = new Set<string>();
  let current = handler;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let auth: Authentication;
    try {
      auth = await authenticate(req, clients, seenNonces);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      refusals.push(withRedactedDisplay({ url: req.url ?? '', reason }));
      return sendJson(res, 401, { code: 'AuthenticationFailed', message: reason });
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return sendJson(res, 400, { code: 'MalformedPayload', message: 'the request body is not valid JSON' });
    }
    const url = new URL(req.url ?? '/', 'http://server.invalid');
    const request: VerifiedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      auth,
    };
    requests.push(withRedactedDisplay(request));
    await current(request, res);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'InternalServerError', message: String(error) });
      else res.destroy();
    });
  });
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
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
