/**
 * `close()` keeps to `closeTimeoutMs` as a whole: with a handler that never
 * returns, with a link that went half-open under it, with a connection
 * attempt to a server that never answers. Faults only hit this file's own
 * connections: they go through a TCP proxy the test controls.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { connectMemoryBroker, discardMemoryBroker } from '../src/memory-broker/index.js';
import { PulseClient } from '../src/pulse/index.js';
import { consumingOn, eventually } from './support/rabbit.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, publishCompleted, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const CLOSE_TIMEOUT_MS = 1_000;
/** Generous: closing should take the deadline plus a few milliseconds. */
const SLACK_MS = 500;

const events = privateQueueEvents();
const binding = events.taskCompleted();
const suite = useRabbitSuite({ exchanges: [binding.exchange], connectionPrefix: 'pulse-close-deadline-test' });

async function proxy(t: TestContext, mode?: 'black-hole'): Promise<TcpProxy> {
  const started = await startTcpProxy(mode);
  t.after(() => started.close());
  return started;
}

/** A client whose consume() handler never returns, with one message (sent by `publish`) in hand. */
async function clientWithHungHandler(url: string, publish = () => publishCompleted(suite.publisher, binding, 'hung')): Promise<PulseClient> {
  const client = suite.newClient({ url, closeTimeoutMs: CLOSE_TIMEOUT_MS, heartbeatSeconds: 0 });
  client.on('error', () => undefined);
  let handling!: () => void;
  const handled = new Promise<void>((resolve) => (handling = resolve));
  const ready = consumingOn(client);
  client
    .consume(binding, () => {
      handling();
      return new Promise<never>(() => undefined);
    })
    .subscribe({ error: () => undefined });
  await ready;
  await publish();
  await handled;
  return client;
}

async function timeClose(t: TestContext, client: PulseClient, what: string): Promise<number> {
  const started = performance.now();
  await client.close();
  const elapsed = Math.round(performance.now() - started);
  t.diagnostic(`${what}: close() took ${elapsed} ms, closeTimeoutMs ${CLOSE_TIMEOUT_MS}`);
  assert.ok(elapsed <= CLOSE_TIMEOUT_MS + SLACK_MS, `close() took ${elapsed} ms, deadline ${CLOSE_TIMEOUT_MS} ms`);
  return elapsed;
}

/** Sockets this process holds open (client and proxy sides alike). */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
}

describe('close() within closeTimeoutMs', { timeout: 60_000 }, () => {
  test('a handler that never returns: close waits for it until the deadline, not longer', async (t) => {
    const client = await clientWithHungHandler((await proxy(t)).url);
    await timeClose(t, client, 'hung handler');
  });

  test('a hung handler on a link gone half-open: every step shares one deadline, and the connection is dropped', async (t) => {
    const link = await proxy(t);
    const client = await clientWithHungHandler(link.url);
    link.pause();
    const heldByProxy = 2 * link.openConnections;
    const before = openSockets();
    const elapsed = await timeClose(t, client, 'hung handler, half-open link');
    assert.ok(elapsed >= CLOSE_TIMEOUT_MS - 50, 'it did wait for the handler');
    // The client's own socket is gone; the proxy still holds both of its ends (it is paused).
    await eventually(() => openSockets() === before - 1, `the client's socket closed (open: ${openSockets()}, before: ${before}, proxy: ${heldByProxy})`, 1_000);
  });

  test('a connection attempt in progress to a server that never answers is abandoned, its socket closed', async (t) => {
    const blackHole = await proxy(t, 'black-hole');
    const client = suite.newClient({ url: blackHole.url, closeTimeoutMs: CLOSE_TIMEOUT_MS, connectTimeoutMs: 30_000 });
    client.on('error', () => undefined);
    let streamError: Error | undefined;
    let completed = false;
    client.listen(binding).subscribe({ error: (error: Error) => (streamError = error), complete: () => (completed = true) });
    await eventually(() => blackHole.openConnections === 1, 'the attempt reached the server', 5_000);
    await timeClose(t, client, 'pending connection attempt (connectTimeoutMs 30 s)');
    await eventually(() => blackHole.openConnections === 0, 'the attempt’s socket closed', 1_000);
    assert.equal(streamError, undefined);
    assert.ok(completed, 'the stream completed');
  });

  test('memory broker: a handler that never returns, close within the deadline', async (t) => {
    const url = `memory://close-deadline-${randomBytes(4).toString('hex')}`;
    t.after(() => discardMemoryBroker(url));
    const channel = await (await connectMemoryBroker(url)).createChannel();
    await channel.assertExchange(binding.exchange, 'topic', { durable: true });
    const publish = async () => void channel.publish(binding.exchange, routingKeyFor(binding, taskFields('hung')), Buffer.from(JSON.stringify(taskCompletedBody('hung'))));
    const client = await clientWithHungHandler(url, publish);
    await timeClose(t, client, 'memory broker, hung handler');
  });
});
