/**
 * A broker restart (`rabbitmqctl stop_app` / `start_app`) under a running
 * consumer on a durable quorum queue: the client reconnects with backoff,
 * re-declares and resumes, and nothing published is lost. Stopping a broker
 * would disturb every other suite on the shared one, so this runs on a node of
 * its own (see test/support/own-broker.ts), deleted with everything in it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PulseClient } from '../src/pulse/index.js';
import { type OwnBroker, startOwnBroker } from './support/own-broker.js';
import { consumingOn, eventually, TestPublisher, uniqueName } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const binding = events.taskCompleted();
const queueName = uniqueName('broker-restart');
let broker: OwnBroker | undefined;
let client: PulseClient | undefined;

before(
  async () => {
    broker = await startOwnBroker();
    const publisher = await TestPublisher.open(broker.url);
    await publisher.exchange(binding.exchange);
    await publisher.disconnect();
  },
  { timeout: 150_000 },
);

after(
  async () => {
    // Queues and exchanges go with the node.
    await client?.close();
    await broker?.stop();
  },
  { timeout: 90_000 },
);

test('broker restart: reconnect, resume, lose nothing', { timeout: 180_000 }, async (t) => {
  const { url, ctl } = broker!;
  client = new PulseClient({ url, connectionName: uniqueName('pulse-restart-test'), reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 } });
  client.on('error', () => undefined);
  const handled = new Map<string, number>();
  let slow = true;
  const ready = consumingOn(client);
  client
    .consume(
      binding,
      async (m) => {
        // Early messages are slow, so some are still queued or unacked when the broker goes down.
        if (slow) await new Promise((resolve) => setTimeout(resolve, 50));
        handled.set(m.fields.taskId, (handled.get(m.fields.taskId) ?? 0) + 1);
      },
      { queueName, concurrency: 2, prefetch: 4, retryDelayMs: 10 },
    )
    .subscribe();
  await ready;

  let publisher = await TestPublisher.open(url);
  for (let i = 0; i < 100; i++) await publishCompleted(publisher, binding, `before${i}`);
  await publisher.disconnect();

  let disconnected = false;
  client.once('disconnected', () => (disconnected = true));
  try {
    await ctl('stop_app');
    await eventually(() => disconnected, 'disconnected', 30_000);
    slow = false;
  } finally {
    await ctl('start_app');
  }
  await ctl('await_startup');
  await eventually(() => client!.connected, 'reconnected', 30_000);

  publisher = await TestPublisher.open(url);
  for (let i = 0; i < 100; i++) await publishCompleted(publisher, binding, `after${i}`);
  await publisher.disconnect();

  const expected = [...Array.from({ length: 100 }, (_, i) => `before${i}`), ...Array.from({ length: 100 }, (_, i) => `after${i}`)];
  await eventually(() => expected.every((id) => handled.has(id)), 'every message handled', 30_000);
  const duplicates = [...handled.values()].reduce((sum, n) => sum + n - 1, 0);
  t.diagnostic(`own node ${broker!.node} started in ${broker!.startupMs} ms`);
  t.diagnostic(`broker restarted with a durable quorum queue: 200 published, lost 0, duplicates ${duplicates}`);
  assert.equal(expected.filter((id) => !handled.has(id)).length, 0);
});
