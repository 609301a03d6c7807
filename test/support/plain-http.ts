/**
 * A plain local HTTP server (no Hawk, no fake): storage behind redirects, or
 * a URL a task chose, for download tests. Routes answer by path; every
 * request is recorded.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface PlainServer {
  readonly origin: string;
  readonly routes: Map<string, Route>;
  readonly requests: { method: string; url: string; range: string | undefined }[];
}

/** A plain server for the tests of one file: started before them, closed after. */
export function usePlainServer(): PlainServer {
  const routes = new Map<string, Route>();
  const requests: PlainServer['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', range: request.headers.range });
    const route = routes.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (route) route(request, response);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  const state = { origin: '', routes, requests };
  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return state;
}

/** Answers `body` with its length and type. */
export function bytes(body: string | Buffer, contentType = 'application/octet-stream'): Route {
  return (_request, response) => response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

/** A redirect to `location` (relative or absolute). */
export function redirectTo(location: string, status = 302): Route {
  return (_request, response) => response.writeHead(status, { location }).end();
}
