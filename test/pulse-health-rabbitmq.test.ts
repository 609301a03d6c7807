/**
 * client.health() and the probe endpoint against the real broker: the fields
 * follow the client as it connects, consumes, loses its link (a TCP proxy
 * pauses and drops it), comes back, and closes; /healthz and /readyz answer
 * 200 or 503 accordingly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { PulseConfigError, startHealthServer, type PulseHealth } from '../src/pulse/index.js';
import { eventually } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const events = privateQueueEvents();
const completed = events.taskCompleted();
const suite = useRabbitSuite({ exchanges: [completed.exchange], connectionPrefix: 'metrics-health-probe' });

async function probe(url: string): Promise<{ status: number; body: PulseHealth }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as PulseHealth };
}

describe('health', () => {
  test('fields and probes follow the client: idle, consuming, link lost, back, closed', async () => {
    const proxy = await startTcpProxy();
    const client = suite.newClient({ url: proxy.url, connectTimeoutMs: 500, reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, queueDepth: { sampleIntervalMs: 100 } });
    client.on('error', () => undefined);
    const server = await startHealthServer({ client, port: 0 });
    try {
      // Idle: nothing to consume yet, not connected (connections open on demand).
      const idle = client.health();
      assert.equal(idle.status, 'ok');
      assert.deepEqual([idle.connected, idle.live, idle.ready, idle.subscriptions.length], [false, true, false, 0]);
      assert.equal((await probe(`${server.url}/healthz`)).status, 200);
      assert.equal((await probe(`${server.url}/readyz`)).status, 503);

      const queueName = suite.queueFor('health');
      const subscription = client.listen(completed, { queueName }).subscribe();
      await eventually(() => client.health().ready, 'ready');
      await publishCompleted(suite.publisher, completed, 'health-1');
      await eventually(() => client.health().lastMessageAt !== undefined, 'the last message time');
      await eventually(() => client.health().subscriptions[0]!.depth !== undefined, 'a depth sample');
      const consuming = await probe(`${server.url}/readyz`);
      assert.equal(consuming.status, 200);
      assert.equal(consuming.body.status, 'ok');
      assert.equal(consuming.body.connected, true);
      const [sub] = consuming.body.subscriptions;
      assert.equal(sub!.queue, `queue/guest/${queueName}`);
      assert.equal(sub!.consuming, true);
      assert.ok(Date.now() - Date.parse(sub!.lastMessageAt!) < 60_000);
      assert.deepEqual({ ...sub!.depth, sampledAt: undefined }, { messageCount: 0, consumerCount: 1, level: 'ok', sampledAt: undefined });
      assert.deepEqual(consuming.body.limits, { warnAt: 2000, criticalAt: 8000 });

      // The link goes: new connections hang in the proxy, so the client stays disconnected.
      proxy.pause();
      proxy.dropAll();
      await eventually(() => !client.health().connected, 'disconnected');
      const lost = client.health();
      assert.equal(lost.status, 'degraded');
      assert.deepEqual([lost.live, lost.ready, lost.subscriptions[0]!.consuming], [true, false, false]);
      assert.equal((await probe(`${server.url}/readyz`)).status, 503);
      assert.equal((await probe(`${server.url}/healthz`)).status, 200);

      proxy.resume();
      await eventually(() => client.health().ready, 'ready again', 20_000);
      assert.equal((await probe(`${server.url}/readyz`)).status, 200);
      subscription.unsubscribe();

      await client.close();
      const closed = await probe(`${server.url}/healthz`);
      assert.equal(closed.status, 503);
      assert.deepEqual([closed.body.status, closed.body.closed, closed.body.live], ['failing', true, false]);
      // No URL, credential or address in what a probe shows.
      const shown = JSON.stringify(closed.body) + inspect(client.health(), { depth: 10 });
      assert.ok(!shown.includes('guest') && !shown.includes(String(proxy.port)), shown);
    } finally {
      await server.close();
      await proxy.close();
    }
  });

  test('a stream that fails for good (queue setup refused) makes the client not live', async () => {
    const client = suite.newClient();
    client.on('error', () => undefined);
    const queueName = suite.queueFor('health-refused');
    // Declared classic first, so that the quorum declaration is refused with 406.
    const side = await suite.publisher.sideChannel();
    await side.assertQueue(`queue/guest/${queueName}`, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    await side.close();
    const failed = new Promise<Error>((resolve) => client.listen(completed, { queueName }).subscribe({ error: resolve }));
    assert.equal((await failed).name, 'QueueSetupError');
    const health = client.health();
    assert.deepEqual([health.status, health.live, health.ready, health.lastFailure?.name], ['failing', false, false, 'QueueSetupError']);
  });

  test('the endpoint: other paths 404, bad options named before listening', async () => {
    const client = suite.newClient();
    const server = await startHealthServer({ client, port: 0 });
    try {
      assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
      assert.equal((await fetch(`${server.url}/readyz`, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
    await assert.rejects(startHealthServer({ client, port: 70_000 }), (error: unknown) => error instanceof PulseConfigError && error.field === 'port');
    await assert.rejects(startHealthServer({ client: {} as never, port: 0 }), (error: unknown) => error instanceof PulseConfigError && error.field === 'client');
  });
});
