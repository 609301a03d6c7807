import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PulseConfigError } from '../pulse-errors.js';
import type { PulseHealth } from './client-health.js';

export interface HealthServerOptions {
  /** What to report on: a `PulseClient` (anything with `health()`). */
  readonly client: { health(): PulseHealth };
  /** TCP port; 0 picks a free one (see `url`). */
  readonly port: number;
  /** Interface to listen on. Default `127.0.0.1`; `0.0.0.0` for a probe from outside (a container). */
  readonly host?: string;
}

export interface HealthServer {
  /** e.g. `http://127.0.0.1:8080`; `/healthz` and `/readyz` are under it. */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * A tiny HTTP endpoint for probes: `GET /healthz` (liveness: the event loop
 * answers and the client is neither closed nor failed for good) and
 * `GET /readyz` (readiness: connected, every subscription consuming), each
 * answering `client.health()` as JSON with 200, or 503 when the check fails.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { client, port, host = '127.0.0.1' } = options;
  if (typeof client?.health !== 'function') throw new PulseConfigError('client', 'must be a PulseClient (an object with health())');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PulseConfigError('port', `must be an integer 0-65535, got ${String(port)}`);
  if (typeof host !== 'string' || host === '') throw new PulseConfigError('host', 'must be a non-empty string');
  const server = createServer((request, response) => answer(client, request, response));
  // A probe's connection must not keep a stopping bot alive.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function answer(client: { health(): PulseHealth }, request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  const check = path === '/healthz' ? 'live' : path === '/readyz' ? 'ready' : undefined;
  if (check === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
    return send(response, check === undefined ? 404 : 405, { error: check === undefined ? 'not found: try /healthz or /readyz' : 'method not allowed' });
  }
  let health: PulseHealth;
  try {
    health = client.health();
  } catch (error) {
    return send(response, 503, { error: `health() threw ${(error as Error)?.name ?? 'a non-error'}` });
  }
  send(response, health[check] ? 200 : 503, health);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}
