/**
 * Handlers that never settle cannot stall consume(): a handler timeout frees
 * the slot (the delivery counts as failed), and slots of a channel that is
 * gone are given back. On RabbitMQ and on the memory broker
 * (test/pulse-consume-stuck-*.test.ts), connections closed by the broker.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConsumeOutcome, HandlerTimeoutError, MessageOf } from '../../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { consumingOn, eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted } from './rabbit-fixtures.js';

const never = new Promise<never>(() => undefined);

export function defineConsumeStuckSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  type Message = MessageOf<typeof binding>;
  const suite = useBrokerSuite(target, {
    exchanges: [binding.exchange],
    connectionPrefix: 'pulse-consume-stuck-test',
    clientDefaults: { reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, closeTimeoutMs: 500 },
  });

  describe(`slots are given back when their channel is gone on ${target.name}`, () => {
    test('4 handlers hung forever (no timeout), connection closed by the broker: the next 100 messages are all handled', async () => {
      const client = suite.newClient();
      client.on('error', () => undefined);
      const queueName = suite.queueFor('stuck');
      const handled = new Set<string>();
      let hung = 0;
      const ready = consumingOn(client);
      const subscription = client
        .consume(binding, (m: Message) => (m.fields.taskId.startsWith('hang') && hung < 4 ? (hung++, never) : void handled.add(m.fields.taskId)), {
          queueName,
          concurrency: 4,
          handlerTimeoutMs: Infinity,
        })
        .subscribe();
      await ready;
      for (let i = 0; i < 4; i++) await publishCompleted(suite.publisher, binding, `hang${i}`);
      await eventually(() => hung === 4, 'four handlers hung', 5_000);

      const resumed = consumingOn(client);
      assert.equal(await target.forceClose(client.connectionName), 1);
      assert.equal((await resumed).resumed, true);
      for (let i = 0; i < 100; i++) await publishCompleted(suite.publisher, binding, `m${i}`);
      try {
        await eventually(() => handled.size === 104, 'the 100 new messages and the 4 redelivered ones handled', 10_000);
      } finally {
        subscription.unsubscribe();
      }
    });
  });

  describe(`handler timeout on ${target.name}`, () => {
    test('a handler outrunning handlerTimeoutMs: reported, counted as a failed delivery, its slot freed; its late result settles nothing', async () => {
      const client = suite.newClient();
      const errors = errorsOf(client);
      const queueName = suite.queueFor('timeouts');
      let releaseLate!: (value: string) => void;
      const late = new Promise<string>((resolve) => (releaseLate = resolve));
      const calls: string[] = [];
      const outcomes: ConsumeOutcome<Message, string>[] = [];
      const ready = consumingOn(client);
      const subscription = client
        .consume(
          binding,
          (m: Message) => {
            const id = m.fields.taskId;
            calls.push(`${id}:${m.deliveryCount}`);
            return id === 'slow' && m.deliveryCount === 1 ? late : Promise.resolve(id);
          },
          { queueName, concurrency: 1, handlerTimeoutMs: 150, retryDelayMs: 0 },
        )
        .subscribe((o) => outcomes.push(o));
      await ready;
      const begin = Date.now();
      await publishCompleted(suite.publisher, binding, 'slow');
      await publishCompleted(suite.publisher, binding, 'next');
      await eventually(() => outcomes.filter((o) => o.status === 'handled').length === 2, 'both handled', 5_000);
      const took = Date.now() - begin;
      assert.ok(took < 1_000, `both handled ${took} ms after publishing (the timeout is 150 ms)`);

      const summary = outcomes.map((o) => `${o.message.fields.taskId}:${o.status}:${o.deliveryCount}`);
      assert.deepEqual(summary.filter((s) => s.startsWith('slow')), ['slow:retrying:1', 'slow:handled:2']);
      assert.ok(summary.includes('next:handled:1'));
      const timeout = errors.find((e): e is HandlerTimeoutError => e.name === 'HandlerTimeoutError');
      assert.ok(timeout, 'a HandlerTimeoutError was reported');
      assert.equal(timeout.deliveryCount, 1);
      assert.equal(timeout.timeoutMs, 150);
      const retrying = outcomes.find((o) => o.status === 'retrying');
      assert.equal(retrying?.status === 'retrying' && retrying.error, timeout, 'the retry outcome carries the timeout');

      // The hung handler finally returns: nothing more is settled or emitted.
      releaseLate('too late');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(outcomes.length, 3);
      assert.deepEqual(
        errors.map((e) => e.name),
        ['HandlerTimeoutError'],
        'no second settle (no stale or channel errors)',
      );
      subscription.unsubscribe();
      await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'consumer gone', 2_000);
      assert.equal((await client.queueStatus(queueName)).messageCount, 0, 'nothing left, nothing requeued twice');
    });
  });
}
