/**
 * A broker restart (`rabbitmqctl stop_app` / `start_app`) under a running
 * consumer on a durable quorum queue: the client reconnects with backoff,
 * re-declares and resumes, and nothing published is lost. This disturbs every
 * user of the broker, so it is short and always restarts the broker.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PulseClient } from '../src/pulse/index.js';
import { consumingOn, deleteQueues, eventually, RABBIT_URL, rabbitmqctl, TestPublisher, uniqueName } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const binding = events.taskCompleted();
const queueName = uniqueName('broker-restart');
let client: PulseClient | undefined;

before(async () => {
  const publisher = await TestPublisher.open();
  await publisher.exchange(binding.exchange);
  await publisher.disconnect();
});

after(async () => {
  // Whatever happened, leave the broker running for everyone else.
  await rabbitmqctl('start_app').catch(() => undefined);
  await rabbitmqctl('await_startup').catch(() => undefined);
  await client?.close();
  await deleteQueues(`queue/guest/${queueName}`);
  const cleaner = await TestPublisher.open();
  await cleaner.exchange(binding.exchange);
  await cleaner.close();
});

test('broker restart: reconnect, resume, lose nothing', async (t) => {
  client = new PulseClient({ url: RABBIT_URL, connectionName: uniqueName('pulse-restart-test'), reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 } });
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

  let publisher = await TestPublisher.open();
  for (let i = 0; i < 100; i++) await publishCompleted(publisher, binding, `before${i}`);
  await publisher.disconnect();

  const disconnected = new Promise((resolve) => client!.once('disconnected', resolve));
  try {
    await rabbitmqctl('stop_app');
    await disconnected;
    slow = false;
  } finally {
    await rabbitmqctl('start_app');
  }
  await rabbitmqctl('await_startup');
  await eventually(() => client!.connected, 'reconnected', 30_000);

  publisher = await TestPublisher.open();
  for (let i = 0; i < 100; i++) await publishCompleted(publisher, binding, `after${i}`);
  await publisher.disconnect();

  const expected = [...Array.from({ length: 100 }, (_, i) => `before${i}`), ...Array.from({ length: 100 }, (_, i) => `after${i}`)];
  await eventually(() => expected.every((id) => handled.has(id)), 'every message handled', 30_000);
  const duplicates = [...handled.values()].reduce((sum, n) => sum + n - 1, 0);
  t.diagnostic(`broker restarted with a durable quorum queue: 200 published, lost 0, duplicates ${duplicates}`);
  assert.equal(expected.filter((id) => !handled.has(id)).length, 0);
});
