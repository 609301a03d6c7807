import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { BindingError } from '../../bindings/binding-error.js';
import { BrokerAddress } from '../../pulse/broker-address.js';
import { checkScheme } from '../../pulse/connectors.js';
import { registerMemoryConnector } from '../../memory-broker/pulse-connector.js';
import { knownExchangeReferences } from '../catalog.js';
import { describeSpec, specOfForm, type BindingForm, type BindingSpec } from './binding-specs.js';
import { serveEventStream } from './event-stream.js';
import { testRoutingKey } from './explain-match.js';
import { newToken, refusal, sameToken, setSafetyHeaders } from './request-guard.js';
import { loadPageFiles } from './static-files.js';

export interface InspectorOptions {
  /** The broker to listen on: `amqp(s)://...` or `memory://...`. Never sent to the page (it shows it with the password masked). */
  readonly url: string | BrokerAddress;
  /** Port on 127.0.0.1; default 0, a free one. */
  readonly port?: number;
  /** Bindings the printed URL opens the page with. */
  readonly bindings?: readonly BindingSpec[];
}

export interface Inspector {
  /** The page's URL, with the token (and the initial bindings): the only way in. */
  readonly url: string;
  readonly port: number;
  /** Ends every event stream (their subscriptions and queues) and stops the server. */
  close(): Promise<void>;
}

/** Largest API request body. */
const MAX_BODY_BYTES = 64 * 1024;

/** An API error that becomes a 400 answer naming the field. */
class BadRequest extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

/**
 * Starts the message inspector: an HTTP server on 127.0.0.1 serving one page,
 * its event stream and a small JSON API, all under a random token path
 * (`http://127.0.0.1:<port>/<token>/`). Bad options are refused before
 * anything listens.
 */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const port = options.port ?? 0;
  // The inspector watches any broker the library reaches, the embedded one included.
  registerMemoryConnector();
  // One parser for broker URLs: a URL that can never work is a PulseConfigError naming `url`, before anything listens.
  const broker = options.url instanceof BrokerAddress ? options.url : BrokerAddress.parse(options.url, 'url');
  checkScheme(broker, 'url');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`startInspector: port must be an integer from 0 to 65535, got ${String(port)}`);
  const initial = (options.bindings ?? []).map((spec) => describeSpec(spec).spec);
  const token = newToken();
  const files = loadPageFiles();
  const connectionPrefix = `tc-pulse-inspect-${randomBytes(3).toString('hex')}`;
  let streams = 0;
  const open = new Set<ServerResponse>();

  const api: Record<string, (body: unknown) => unknown> = {
    describe: (body) => specsIn(body, 'specs').map((spec) => described(spec)),
    bind: (body) => describeSpec(specOfForm(body as BindingForm)),
    'test-key': (body) => {
      const { exchange, routingKey } = (body ?? {}) as { exchange?: unknown; routingKey?: unknown };
      if (typeof exchange !== 'string' || exchange === '') throw new BadRequest('exchange must be "<service>.<exchange>" or a full exchange name', 'exchange');
      if (typeof routingKey !== 'string') throw new BadRequest('routingKey must be a string', 'routingKey');
      return testRoutingKey(exchange, routingKey, specsIn(body, 'specs'));
    },
  };

  const server: Server = createServer((request, response) => {
    setSafetyHeaders(response);
    const address = server.address() as AddressInfo;
    const refused = refusal(request, address.port);
    if (refused) return answer(response, 403, { error: refused });
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const [, given = '', ...rest] = url.pathname.split('/');
    if (!sameToken(given, token)) return answer(response, 403, { error: "the inspector's URL carries a token: open the URL it printed when it started" });
    const path = rest.join('/') || 'index.html';
    if (request.method === 'GET' && path === 'events') {
      open.add(response);
      response.on('close', () => open.delete(response));
      return serveEventStream(request, response, url.searchParams.getAll('bind'), { address: broker, connectionName: `${connectionPrefix}-${++streams}` });
    }
    if (request.method === 'GET' && path === 'api/exchanges') return answer(response, 200, exchangeList());
    if (request.method === 'GET' && path === 'api/session') return answer(response, 200, { broker: broker.display });
    const handler = path.startsWith('api/') ? api[path.slice(4)] : undefined;
    if (handler && request.method === 'POST') return void handleApi(request, response, handler);
    const file = files.get(path);
    if (file && request.method === 'GET') {
      response.writeHead(200, { 'Content-Type': file.contentType });
      return void response.end(file.body);
    }
    answer(response, 404, { error: `no ${request.method} ${path}` });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const query = new URLSearchParams(initial.map((spec): [string, string] => ['bind', spec])).toString();
  return {
    url: `http://127.0.0.1:${actualPort}/${token}/${query ? `?${query}` : ''}`,
    port: actualPort,
    async close() {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function described(spec: BindingSpec): unknown {
  try {
    return describeSpec(spec);
  } catch (error) {
    return { spec, error: (error as Error).message, ...(error instanceof BindingError && error.field !== undefined ? { field: error.field } : {}) };
  }
}

function specsIn(body: unknown, name: string): BindingSpec[] {
  const specs = (body as Record<string, unknown> | null)?.[name] ?? [];
  if (!Array.isArray(specs) || !specs.every((spec) => typeof spec === 'string')) throw new BadRequest(`${name} must be an array of "<exchange> <pattern>" strings`, name);
  return specs;
}

/** Every exchange the references know, with its routing-key entries: the page's exchange list and forms. */
function exchangeList(): unknown[] {
  return knownExchangeReferences.flatMap((reference) =>
    reference.entries.map((entry) => ({
      label: `${reference.serviceName}.${entry.name}`,
      exchange: reference.exchangePrefix + entry.exchange,
      routingKey: entry.routingKey,
    })),
  );
}

async function handleApi(request: IncomingMessage, response: ServerResponse, handler: (body: unknown) => unknown): Promise<void> {
  // A JSON content type cannot be sent cross-origin without a preflight, which this server never grants.
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) return answer(response, 415, { error: 'send JSON (Content-Type: application/json)' });
  let body: unknown;
  try {
    body = JSON.parse(await readBody(request));
  } catch (error) {
    return answer(response, 400, { error: `the request body is not JSON: ${(error as Error).message}` });
  }
  try {
    answer(response, 200, handler(body));
  } catch (error) {
    const field = error instanceof BindingError || error instanceof BadRequest ? error.field : undefined;
    answer(response, 400, { error: (error as Error).message, ...(field === undefined ? {} : { field }) });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`over ${MAX_BODY_BYTES} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
