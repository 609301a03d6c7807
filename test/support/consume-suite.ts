/**
 * consume(): at-least-once handling with bounded concurrency, retries and
 * dead-lettering; the same scenarios on RabbitMQ and on the memory broker
 * (test/pulse-consume-*.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { delay, of, throwError } from 'rxjs';
import { concatMap } from 'rxjs/operators';
import { DeliveryLimitError, MalformedMessageError } from '../../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { consuming } from './consuming.js';
import { consumingOn, eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted, routingKeyFor, taskFields } from './rabbit-fixtures.js';

export function defineConsumeSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  const suite = useBrokerSuite(target, { exchanges: [binding.exchange], connectionPrefix: 'pulse-consume-test', clientDefaults: { closeTimeoutMs: 3_000 } });
  const { newClient, queueFor, deadLetterFor } = suite;

  describe(`consume() on ${target.name}`, () => {
    test('acks after the handler succeeds and emits one outcome per message', async () => {
      const client = newClient();
      const queueName = queueFor('ok');
      const { outcomes, subscription } = await consuming(client, binding, async (m) => `done ${m.fields.taskId}`, { queueName });
      for (const id of ['a', 'b', 'c']) await publishCompleted(suite.publisher, binding, id);
      await eventually(() => outcomes.length === 3, 'three outcomes');
      assert.deepEqual(outcomes.map((o) => o.settledBy === 'consumer' && o.status === 'handled' && [o.result, o.ack]).sort(), [['done a', 'sent'], ['done b', 'sent'], ['done c', 'sent']]);
      subscription.unsubscribe();
      await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'consumer gone');
      assert.equal((await client.queueStatus(queueName)).messageCount, 0, 'nothing left unacked');
    });

    test('a handler that throws is retried, then succeeds', async () => {
      const client = newClient();
      const queueName = queueFor('retry');
      let calls = 0;
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        (m) => {
          calls++;
          if (calls < 3) throw new Error(`database down (call ${calls})`);
          return m.fields.taskId;
        },
        { queueName, retryDelayMs: 10 },
      );
      const summary = () => outcomes.map((o) => `${o.status}:${o.deliveryCount}`);
      await publishCompleted(suite.publisher, binding, 'flaky');
      await eventually(() => outcomes.length === 3, 'three outcomes');
      assert.deepEqual(summary(), ['retrying:1', 'retrying:2', 'handled:3']);
      subscription.unsubscribe();
    });

    test('a poison message is dead-lettered after maxDeliveries (quorum: exact counts), with an error event carrying it', async () => {
      const client = newClient();
      const errors = errorsOf(client);
      const queueName = queueFor('poison');
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        () => {
          throw new Error('cannot handle this');
        },
        { queueName, maxDeliveries: 3, retryDelayMs: 0, deadLetter: deadLetterFor(queueName) },
      );
      const summary = () => outcomes.map((o) => o.status);
      await publishCompleted(suite.publisher, binding, 'poison');
      await eventually(() => summary().includes('dead-lettered'), 'dead-lettered');
      assert.deepEqual(summary(), ['retrying', 'retrying', 'dead-lettered']);
      const limit = errors.find((e) => e instanceof DeliveryLimitError) as DeliveryLimitError | undefined;
      assert.ok(limit, 'a DeliveryLimitError was reported');
      assert.equal(limit.deliveryCount, 3);
      assert.equal(limit.deadLettered, true);
      assert.equal((limit.pulseMessage as { fields: { taskId: string } }).fields.taskId, 'poison');
      assert.match(String((limit.cause as Error).message), /cannot handle this/);
      await eventually(async () => (await client.queueStatus(`${queueName}-dead`)).messageCount === 1, 'the message in the dead-letter queue');
      subscription.unsubscribe();
    });

    test('classic queues count deliveries without x-delivery-count, and drop when no dead-letter exchange is set', async () => {
      const client = newClient();
      const errors = errorsOf(client);
      const queueName = queueFor('classic-poison');
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        (m) => {
          assert.equal(m.deliveryCount, m.redelivered ? undefined : 1, 'classic queues only know the first delivery');
          throw new Error('still failing');
        },
        { queueName, queueType: 'classic', maxDeliveries: 4, retryDelayMs: 0 },
      );
      const summary = () => outcomes.map((o) => `${o.status}:${o.deliveryCount}`);
      await publishCompleted(suite.publisher, binding, 'classic-poison');
      await eventually(() => summary().some((o) => o.startsWith('dropped')), 'dropped');
      assert.deepEqual(summary(), ['retrying:1', 'retrying:2', 'retrying:3', 'dropped:4']);
      assert.ok(errors.some((e) => e instanceof DeliveryLimitError && !e.deadLettered));
      subscription.unsubscribe();
      await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'consumer gone');
      assert.equal((await client.queueStatus(queueName)).messageCount, 0);
    });

    test('a handler may return an observable: success is completion, failure is its error', async () => {
      const client = newClient();
      const queueName = queueFor('observable');
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        (m) =>
          of(m.fields.taskId).pipe(
            delay(5),
            concatMap((id) => (id === 'bad' ? throwError(() => new Error('observable failed')) : of(`seen ${id}`))),
          ),
        { queueName, maxDeliveries: 1 },
      );
      const summary = () => outcomes.map((o) => (o.status === 'handled' ? String(o.result) : o.status));
      await publishCompleted(suite.publisher, binding, 'good');
      await publishCompleted(suite.publisher, binding, 'bad');
      await eventually(() => outcomes.length === 2, 'two outcomes');
      assert.deepEqual(summary().sort(), ['dropped', 'seen good']);
      subscription.unsubscribe();
    });

    test('runs at most `concurrency` handlers at once', async () => {
      const client = newClient();
      const queueName = queueFor('concurrency');
      let running = 0;
      let peak = 0;
      let done = 0;
      const ready = consumingOn(client);
      const subscription = client
        .consume(
          binding,
          async () => {
            peak = Math.max(peak, ++running);
            await new Promise((resolve) => setTimeout(resolve, 20));
            running--;
            done++;
          },
          { queueName, concurrency: 3 },
        )
        .subscribe();
      await ready;
      await Promise.all(Array.from({ length: 20 }, (_, i) => publishCompleted(suite.publisher, binding, `c${i}`)));
      await eventually(() => done === 20, 'all handled');
      assert.equal(peak, 3, 'three at once, never more');
      subscription.unsubscribe();
    });

    test('a non-JSON body is rejected without requeue and reported; the next message is handled', async () => {
      const client = newClient();
      const errors = errorsOf(client);
      const queueName = queueFor('junk');
      const handled: string[] = [];
      const ready = consumingOn(client);
      const subscription = client.consume(binding, (m) => void handled.push(m.fields.taskId), { queueName }).subscribe();
      await ready;
      await suite.publisher.publish(binding.exchange, routingKeyFor(binding, taskFields('junk')), Buffer.from('\u0000\u0001 binary junk'));
      await publishCompleted(suite.publisher, binding, 'after-junk');
      await eventually(() => handled.includes('after-junk'), 'the next message');
      assert.deepEqual(handled, ['after-junk']);
      assert.ok(errors.some((e) => e instanceof MalformedMessageError));
      assert.equal((await client.queueStatus(queueName)).messageCount, 0, 'the junk is not requeued');
      subscription.unsubscribe();
    });

    test('close() stops taking messages, waits for in-flight handlers, acks them, completes the stream', async () => {
      const client = newClient();
      const queueName = queueFor('close');
      const started: string[] = [];
      const finished: string[] = [];
      let completed = false;
      const ready = consumingOn(client);
      client
        .consume(
          binding,
          async (m) => {
            started.push(m.fields.taskId);
            await new Promise((resolve) => setTimeout(resolve, 300));
            finished.push(m.fields.taskId);
          },
          { queueName, concurrency: 2, prefetch: 4 },
        )
        .subscribe({ complete: () => (completed = true) });
      await ready;
      for (let i = 0; i < 6; i++) await publishCompleted(suite.publisher, binding, `slow${i}`);
      await eventually(() => started.length === 2, 'two handlers running');
      await client.close();
      assert.equal(completed, true, 'the stream completed');
      assert.deepEqual([...finished].sort(), [...started].sort(), 'every started handler finished before close() resolved');
      // Started ones were acked; the rest went back to the queue for the next run.
      const checker = newClient();
      const status = await checker.queueStatus(queueName);
      assert.equal(status.messageCount, 6 - finished.length);
      assert.equal(status.consumerCount, 0);
    });

    test('close() is bounded by closeTimeoutMs when a handler hangs; the message stays queued', async () => {
      const client = newClient({ closeTimeoutMs: 300 });
      const queueName = queueFor('hang');
      const ready = consumingOn(client);
      let started = false;
      client.consume(binding, () => ((started = true), new Promise(() => undefined)), { queueName }).subscribe();
      await ready;
      await publishCompleted(suite.publisher, binding, 'hangs');
      await eventually(() => started, 'handler started');
      const begin = Date.now();
      await client.close();
      assert.ok(Date.now() - begin < 3_000, 'close() gave up waiting');
      const checker = newClient();
      await eventually(async () => (await checker.queueStatus(queueName)).messageCount === 1, 'the unacked message back in the queue');
    });
  });
}
