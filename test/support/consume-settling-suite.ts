/**
 * consume() settles every message once and says truly what became of it:
 * handlers that settle messages themselves, user callbacks that throw, and
 * retries that wait without holding a concurrency slot. On RabbitMQ and on
 * the memory broker (test/pulse-consume-settling-*.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RetryDelayError, SettledByHandlerOutcome } from '../../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { CallsByTask } from './calls-by-task.js';
import { consuming } from './consuming.js';
import { eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted } from './rabbit-fixtures.js';

export function defineConsumeSettlingSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  const suite = useBrokerSuite(target, { exchanges: [binding.exchange], connectionPrefix: 'pulse-consume-settling-test', clientDefaults: { closeTimeoutMs: 5_000 } });

  const unhandledRejections: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandledRejections.push(reason);
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));

  describe(`outcomes of handlers that settle the message themselves on ${target.name}`, () => {
    test('nack without requeue then return: dead-lettered by the handler (not "handled"); nack with requeue: requeued; ack then throw: handled (not "retrying")', async () => {
      const client = suite.newClient();
      const queueName = suite.queueFor('self-settled');
      const deadLetter = suite.deadLetterFor(queueName);
      const calls = new CallsByTask();
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        (m) => {
          const id = m.fields.taskId;
          const call = calls.count(id);
          if (id === 'rejects') return void m.nack({ requeue: false });
          if (id === 'requeues' && call === 1) return void m.nack({ requeue: true });
          if (id === 'acks-then-throws') {
            m.ack();
            throw new Error('failed after acking');
          }
          return `ok ${id}`;
        },
        { queueName, deadLetter, retryDelayMs: 0 },
      );
      for (const id of ['rejects', 'requeues', 'acks-then-throws']) await publishCompleted(suite.publisher, binding, id);
      await eventually(() => outcomes.length === 4, 'four outcomes');
      subscription.unsubscribe();
      const byTask = (id: string) => outcomes.filter((o) => o.message.fields.taskId === id).map(({ message: _, ...rest }) => rest);
      assert.deepEqual(byTask('rejects'), [{ status: 'dead-lettered', settledBy: 'handler', deliveryCount: 1, settle: 'sent', result: undefined }]);
      assert.deepEqual(byTask('requeues'), [
        { status: 'requeued', settledBy: 'handler', deliveryCount: 1, settle: 'sent', result: undefined },
        { status: 'handled', settledBy: 'consumer', deliveryCount: 2, result: 'ok requeues', ack: 'sent' },
      ]);
      const [thrown] = byTask('acks-then-throws') as SettledByHandlerOutcome<unknown, unknown>[];
      assert.equal(thrown?.status, 'handled');
      assert.equal(thrown.settledBy, 'handler');
      assert.match(String((thrown.error as Error).message), /failed after acking/);
      assert.equal(calls.get('acks-then-throws'), 1, 'an acked message is not retried');
      await eventually(async () => (await client.queueStatus(deadLetter.queue)).messageCount === 1, 'the rejected message dead-lettered');
      assert.equal((await client.queueStatus(queueName)).messageCount, 0);
    });
  });

  describe(`user callbacks that throw never break settling on ${target.name}`, () => {
    test('retryDelayMs throwing or answering nonsense: default delay, RetryDelayError event, message retried; no unhandled rejection; close() is quick', async () => {
      const client = suite.newClient();
      const errors = errorsOf(client);
      const queueName = suite.queueFor('bad-delay');
      const answers = [
        () => {
          throw new Error('delay callback failed');
        },
        () => Number.NaN,
        () => 'later',
      ];
      let asked = 0;
      const calls = new CallsByTask();
      const { outcomes } = await consuming(
        client,
        binding,
        (m) => {
          const id = m.fields.taskId;
          if (calls.count(id) === 1) throw new Error(`first try of ${id} fails`);
          return id;
        },
        { queueName, retryDelayMs: () => answers[asked++ % answers.length]!() as number },
      );
      for (const id of ['x', 'y', 'z']) await publishCompleted(suite.publisher, binding, id);
      // The default delay of a first failure is 1 s.
      await eventually(() => outcomes.filter((o) => o.status === 'handled').length === 3, 'all three handled on their second delivery', 10_000);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['handled', 'handled', 'handled', 'retrying', 'retrying', 'retrying']);
      // By name, so that this test also runs (and fails) against a version without the class.
      const delayErrors = errors.filter((e): e is RetryDelayError => e.name === 'RetryDelayError');
      assert.equal(delayErrors.length, 3);
      assert.ok(delayErrors.every((e) => e.fallbackMs === 1000 && e.deliveryCount === 1));
      assert.deepEqual(unhandledRejections, []);

      // Nothing left unsettled, so close() need not wait out closeTimeoutMs (5 s).
      await publishCompleted(suite.publisher, binding, 'last');
      await eventually(() => calls.get('last') === 1, 'the last message failed once');
      const begin = Date.now();
      await client.close();
      assert.ok(Date.now() - begin < 1_000, `close() took ${Date.now() - begin} ms`);
      assert.deepEqual(unhandledRejections, []);
    });
  });

  describe(`retries wait without a concurrency slot on ${target.name}`, () => {
    test('with concurrency 1, a message waiting out a 3 s retry delay does not hold up the next one', async () => {
      const client = suite.newClient();
      const queueName = suite.queueFor('retry-slot');
      const started = new Map<string, number>();
      let failedAt = 0;
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        (m) => {
          const id = m.fields.taskId;
          if (!started.has(id)) started.set(id, Date.now());
          if (id === 'bad' && failedAt === 0) {
            failedAt = Date.now();
            throw new Error('fails once');
          }
          return id;
        },
        { queueName, concurrency: 1, retryDelayMs: 3_000, prefetch: 10 },
      );
      await publishCompleted(suite.publisher, binding, 'bad');
      await publishCompleted(suite.publisher, binding, 'good');
      await eventually(() => outcomes.some((o) => o.status === 'handled' && o.message.fields.taskId === 'good'), 'the good message handled', 2_500);
      const wait = started.get('good')! - failedAt;
      subscription.unsubscribe();
      assert.ok(wait < 500, `the next message started ${wait} ms after the failure`);
      assert.ok(!outcomes.some((o) => o.status === 'retrying'), 'the failed one is still waiting out its delay');
    });
  });
}
