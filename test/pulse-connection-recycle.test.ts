/**
 * `recycleAfterMs` under load, on RabbitMQ and on the memory broker: while
 * messages are published continuously (with confirms) and handled slowly by
 * `consume()`, the connection is recycled several times; every message is
 * handled, duplicates are counted (at least once), no `disconnected` event
 * fires (the moves are planned), and old connections are closed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RECYCLE_JITTER, scheduleRecycle } from '../src/pulse/connection-recycler.js';
import { PulseClient, PulseConfigError, type ConsumeOptions } from '../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './support/broker-suite.js';
import { memoryTarget, rabbitTarget, type BrokerTarget } from './support/broker-target.js';
import { CallsByTask } from './support/calls-by-task.js';
import { consuming } from './support/consuming.js';
import { eventually } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('recycleAfterMs is validated before any I/O', () => {
  for (const bad of [0, 999, Number.NaN, Number.POSITIVE_INFINITY, '5000' as never]) {
    assert.throws(
      () => new PulseClient({ url: 'amqp://127.0.0.1', recycleAfterMs: bad }),
      (error: unknown) => error instanceof PulseConfigError && error.field === 'recycleAfterMs',
    );
  }
});

test('the recycle time is jittered ±20 % (replicas started together do not recycle together)', async () => {
  const firedAfter = async (random: number) => {
    const startedAt = Date.now();
    await new Promise<void>((resolve) => scheduleRecycle(1_000, resolve, () => random));
    return Date.now() - startedAt;
  };
  // The recycle timer does not keep a process alive (the connection does): this test must.
  const keepAlive = setInterval(() => undefined, 100);
  const [early, late] = await Promise.all([firedAfter(0), firedAfter(1)]).finally(() => clearInterval(keepAlive));
  assert.equal(RECYCLE_JITTER, 0.2);
  assert.ok(early >= 790 && early < 1_000, `earliest ${early} ms`);
  assert.ok(late >= 1_190 && late < 1_600, `latest ${late} ms`);
  let fired = false;
  scheduleRecycle(500, () => (fired = true))();
  await sleep(800);
  assert.equal(fired, false, 'cancelled');
});

for (const target of [rabbitTarget, memoryTarget('recycle')] as BrokerTarget[]) {
  const binding = privateQueueEvents().taskCompleted();
  const suite = useBrokerSuite(target, { exchanges: [binding.exchange], connectionPrefix: 'recycle-test', clientDefaults: { closeTimeoutMs: 3_000 } });

  /** Consumes, every handler taking `handlerMs()` before it counts its task; resolves once consuming. */
  async function consumeSlowly(client: PulseClient, handlerMs: () => number, options: ConsumeOptions) {
    const handled = new CallsByTask();
    const { subscription } = await consuming(
      client,
      binding,
      async (message) => {
        await sleep(handlerMs());
        handled.count(message.fields.taskId);
      },
      options,
    );
    return { handled, subscription };
  }

  /** Publishes (each confirmed) for `forMs`, `gapMs` apart: task ids `${prefix}0`, `${prefix}1`, … */
  async function publishFor(forMs: number, prefix: string, gapMs: number): Promise<string[]> {
    const published: string[] = [];
    const startedAt = Date.now();
    while (Date.now() - startedAt < forMs) {
      const id = `${prefix}${published.length}`;
      await publishCompleted(suite.publisher, binding, id);
      published.push(id);
      await sleep(gapMs);
    }
    return published;
  }

  describe(`recycleAfterMs on ${target.name}`, () => {
    test('the connection is recycled under load: nothing lost, duplicates counted, no disconnection, old connections closed', { timeout: 90_000 }, async (t) => {
      const recycleAfterMs = 1_500;
      const client = suite.newClient({ recycleAfterMs });
      const errors = errorsOf(client);
      let connected = 0;
      let disconnected = 0;
      client.on('connected', () => connected++);
      client.on('disconnected', () => disconnected++);
      // Handlers slow enough that messages are in flight at each move.
      const { handled, subscription } = await consumeSlowly(client, () => 10 + Math.random() * 40, { queueName: suite.queueFor('recycled'), concurrency: 4, prefetch: 8 });

      const startedAt = Date.now();
      const published = await publishFor(4.5 * recycleAfterMs, 'm', 5);
      await eventually(() => published.every((id) => handled.has(id)), 'every message handled', 30_000);
      subscription.unsubscribe();

      const duplicates = handled.repeats();
      t.diagnostic(
        `${target.name}: ${published.length} published over ${Date.now() - startedAt} ms, recycled ${connected - 1} times (every ${recycleAfterMs} ms ± 20 %): lost 0, duplicates ${duplicates}`,
      );
      assert.ok(connected >= 3, `recycled at least twice (${connected} connections)`);
      assert.equal(disconnected, 0, 'planned moves are no disconnection');
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
      );
      await eventually(async () => (await target.connectionCount(client.connectionName)) <= 1, 'old connections closed', 15_000);
    });

    test('handlers outlasting closeTimeoutMs at a recycle: their messages are requeued and handled again, none lost', { timeout: 90_000 }, async (t) => {
      const client = suite.newClient({ recycleAfterMs: 1_000, closeTimeoutMs: 150 });
      client.on('error', () => undefined);
      let connected = 0;
      client.on('connected', () => connected++);
      // Handlers longer than closeTimeoutMs: the old channel closes under them.
      const { handled, subscription } = await consumeSlowly(client, () => 300, { queueName: suite.queueFor('outlasted'), concurrency: 8, prefetch: 8, maxDeliveries: 100 });
      const published = await publishFor(3_000, 's', 20);
      await eventually(() => published.every((id) => handled.has(id)), 'every message handled', 60_000);
      subscription.unsubscribe();
      const duplicates = handled.repeats();
      t.diagnostic(`${target.name}: handlers of 300 ms, closeTimeoutMs 150, recycled ${connected - 1} times: ${published.length} published, lost 0, duplicates ${duplicates}`);
      assert.ok(connected >= 2, 'recycled');
    });
  });
}
