/**
 * Connecting: what is retried and what fails at once, classified by what the
 * AMQP handshake says, not by digits in a message; likely causes named; the
 * number of attempts capped by reconnect.maxAttempts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConnectionFailedError, PulseClient, type PulseClientOptions } from '../src/pulse/index.js';
import { uniqueName } from './support/rabbit.js';

const binding = { exchange: 'e', routingKeyPattern: '#', routingKeyReference: [], name: 'n', serviceName: 's', schema: '' };
const fast = { initialDelayMs: 5, maxDelayMs: 20 };

/** Subscribes until the stream errors; counts the `reconnecting` events meanwhile. */
async function attempt(options: PulseClientOptions): Promise<{ failure: Error; reconnecting: Error[]; ms: number }> {
  const client = new PulseClient({ connectionName: uniqueName('connection-failures-test'), connectTimeoutMs: 5_000, ...options });
  const reconnecting: Error[] = [];
  client.on('reconnecting', ({ error }) => reconnecting.push(error));
  const started = Date.now();
  try {
    const failure = await new Promise<Error>((resolve) => client.listen(binding).subscribe({ error: resolve }));
    return { failure, reconnecting, ms: Date.now() - started };
  } finally {
    await client.close();
  }
}

/** A local TCP server answering every connection as `respond` says; only this test's connections meet it. */
async function localServer(respond: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    respond(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('connection failures', () => {
  let http: { server: Server; port: number };
  before(async () => {
    http = await localServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')));
  });
  after(() => new Promise<void>((resolve) => http.server.close(() => resolve())));

  test('refused credentials fail at once, saying so', async () => {
    const { failure, reconnecting } = await attempt({ url: 'amqp://guest:not-the-password@127.0.0.1:5672', reconnect: { ...fast, maxAttempts: 3 } });
    assert.ok(failure instanceof ConnectionFailedError, String(failure));
    assert.equal(failure.reason, 'credentials-refused');
    assert.match(failure.message, /refused the credentials of user "guest" \(403 ACCESS_REFUSED/);
    assert.equal(reconnecting.length, 0);
  });

  test('a missing vhost fails at once, naming the vhost', async () => {
    const vhost = uniqueName('no-such-vhost');
    const { failure, reconnecting } = await attempt({ url: `amqp://guest:guest@127.0.0.1:5672/${vhost}`, reconnect: { ...fast, maxAttempts: 3 } });
    assert.ok(failure instanceof ConnectionFailedError, String(failure));
    assert.equal(failure.reason, 'vhost-refused');
    assert.match(failure.message, new RegExp(`refused vhost "${vhost}": it does not exist, or user "guest" has no permissions on it`));
    assert.equal(reconnecting.length, 0);
  });

  test('a host whose name holds "403" is a DNS failure like any other: retried', async () => {
    const { failure, reconnecting } = await attempt({ url: 'amqp://guest:guest@rabbit-403.invalid:5672', reconnect: { ...fast, maxAttempts: 3 } });
    assert.ok(failure instanceof ConnectionFailedError, String(failure));
    assert.equal(failure.reason, 'attempts-exhausted');
    assert.match(failure.message, /after 3 attempts \(reconnect\.maxAttempts\): getaddrinfo (ENOTFOUND|EAI_AGAIN) rabbit-403\.invalid/);
    assert.equal(reconnecting.length, 2);
  });

  test('reconnect.maxAttempts caps the attempts: n attempts, n - 1 reconnecting events', async () => {
    for (const maxAttempts of [1, 4]) {
      const { failure, reconnecting, ms } = await attempt({ url: 'amqp://guest:guest@127.0.0.1:1', reconnect: { ...fast, maxAttempts } });
      assert.ok(failure instanceof ConnectionFailedError, String(failure));
      assert.match(failure.message, new RegExp(`after ${maxAttempts} attempts`));
      assert.equal(reconnecting.length, maxAttempts - 1);
      assert.ok(ms < 2_000, `gave up after ${ms} ms`);
    }
  });

  test('TLS against the plain AMQP port names the likely mistake', async () => {
    const { failure, reconnecting } = await attempt({ url: 'amqps://guest:guest@127.0.0.1:5672', reconnect: { ...fast, maxAttempts: 2 } });
    assert.ok(failure instanceof ConnectionFailedError, String(failure));
    assert.match(failure.message, /TLS to a port that does not speak TLS: is this the plain AMQP port, usually 5672\? Use amqp:\/\/ there/);
    assert.match(reconnecting[0]!.message, /does not speak TLS/, 'the reconnecting event says it too');
  });

  test('a server that does not speak AMQP (an HTTP server) is named', async () => {
    const { failure } = await attempt({ url: `amqp://guest:guest@127.0.0.1:${http.port}`, reconnect: { ...fast, maxAttempts: 2 } });
    assert.ok(failure instanceof ConnectionFailedError, String(failure));
    assert.match(failure.message, new RegExp(`the server at 127\\.0\\.0\\.1:${http.port} does not speak AMQP 0-9-1: is it an HTTP or other service`));
  });
});
