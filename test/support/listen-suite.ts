/**
 * listen(): a cold observable of decoded messages; the same scenarios on
 * RabbitMQ and on the memory broker (test/pulse-listen-*.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { firstValueFrom, take, toArray } from 'rxjs';
import type { QueueMessages, QueueRoutingKeys } from '../../src/index.js';
import {
  defaultPulseClient,
  listen,
  MalformedMessageError,
  type PulseMessage,
  setDefaultPulseClient,
  StaleDeliveryError,
  UnboundMessageError,
} from '../../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { consumingOn, eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted, routingKeyFor, taskCompletedBody, taskFields } from './rabbit-fixtures.js';

type TaskCompletedMessage = QueueMessages['taskCompleted'];
type TaskFailedMessage = QueueMessages['taskFailed'];

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

/** Sets environment variables for one test; the old values come back after it. */
function withEnvironment(t: TestContext, values: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(values)) {
    const old = process.env[name];
    process.env[name] = value;
    t.after(() => {
      if (old === undefined) delete process.env[name];
      else process.env[name] = old;
    });
  }
}

export function defineListenSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const suite = useBrokerSuite(target, {
    exchanges: [events.taskCompleted().exchange, events.taskFailed().exchange],
    connectionPrefix: 'pulse-listen-test',
  });
  const { newClient, queueFor } = suite;

  describe(`listen() on ${target.name}`, () => {
    test('decodes payload, routing-key fields, routes and delivery facts, typed by the binding', async () => {
      const client = newClient();
      const binding = events.taskCompleted({ taskId: 'task-a' });
      const ready = consumingOn(client);
      const received = firstValueFrom(client.listen(binding));
      await ready;
      await publishCompleted(suite.publisher, binding, 'task-a', ['route.index.project.foo', 'route.notify.x', 'other.key']);
      const message = await received;

      // Compile-time: payload and fields carry the exchange's types.
      assertType<Equal<typeof message.payload, TaskCompletedMessage>>();
      assertType<Equal<typeof message.fields, QueueRoutingKeys['taskCompleted']>>();

      assert.equal(message.exchange, binding.exchange);
      assert.equal(message.routingKey, routingKeyFor(binding, taskFields('task-a')));
      assert.equal(message.fields.taskId, 'task-a');
      assert.equal(message.fields.runId, '0');
      assert.equal(message.fields.routingKeyKind, 'primary');
      assert.equal(message.fields.reserved, '_');
      assert.deepEqual(message.routes, ['index.project.foo', 'notify.x']);
      assert.deepEqual(message.payload, taskCompletedBody('task-a'));
      assert.equal(message.redelivered, false);
      assert.equal(message.deliveryCount, 1);
      assert.equal(message.binding, binding);
      assert.match(message.queue, /^queue\/guest\/ephemeral-[0-9a-f]{16}$/);
    });

    test('several bindings: the union of their messages, narrowed with is()', async () => {
      const client = newClient();
      const completed = events.taskCompleted();
      const failed = events.taskFailed();
      const ready = consumingOn(client);
      const all = firstValueFrom(client.listen([completed, failed]).pipe(take(2), toArray()));
      await ready;
      await publishCompleted(suite.publisher, completed, 'task-c');
      await suite.publisher.publish(failed.exchange, routingKeyFor(failed, taskFields('task-f')), { ...taskCompletedBody('task-f'), kind: 'failed' });
      const messages = await all;
      const exchanges = new Set(messages.map((m) => m.exchange));
      assert.ok(exchanges.has(completed.exchange) && exchanges.has(failed.exchange), 'got messages from both exchanges');
      for (const message of messages) {
        assertType<Equal<typeof message, PulseMessage<TaskCompletedMessage, QueueRoutingKeys['taskCompleted']> | PulseMessage<TaskFailedMessage, QueueRoutingKeys['taskFailed']>>>();
        if (message.is(failed)) {
          assert.equal(message.exchange, failed.exchange);
          const payload: TaskFailedMessage = message.payload;
          assert.equal(payload.status.taskId, 'task-f');
        } else {
          assert.equal(message.exchange, completed.exchange);
        }
      }
    });

    test('is cold: nothing is declared before subscribing; unsubscribing cancels the consumer', async () => {
      const client = newClient();
      const queueName = queueFor('cold');
      const stream = client.listen(events.taskCompleted(), { queueName });
      await assert.rejects(client.queueStatus(queueName), /NOT_FOUND|404/);
      const subscription = stream.subscribe();
      await eventually(async () => (await client.queueStatus(queueName).catch(() => ({ consumerCount: 0 }))).consumerCount === 1, 'consumer');
      subscription.unsubscribe();
      await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'consumer cancelled');
      // A durable named queue survives its consumer.
      assert.equal((await client.queueStatus(queueName)).queue, `queue/guest/${queueName}`);
    });

    test('a non-JSON body is rejected without requeue (dead-lettered), reported, and the stream goes on', async () => {
      const client = newClient();
      const errors = errorsOf(client);
      const binding = events.taskCompleted();
      const queueName = queueFor('malformed');
      const deadLetter = suite.deadLetterFor(queueName);
      const deadQueue = deadLetter.queue;
      const received: string[] = [];
      const subscription = client
        .listen(binding, { queueName, queueType: 'classic', deadLetter })
        .subscribe((m) => received.push(m.fields.taskId));
      await eventually(async () => (await client.queueStatus(queueName).catch(() => ({ consumerCount: 0 }))).consumerCount === 1, 'consumer');
      await suite.publisher.publish(binding.exchange, routingKeyFor(binding, taskFields('bad')), Buffer.from('{not json'));
      await publishCompleted(suite.publisher, binding, 'good');
      await eventually(() => received.includes('good'), 'the good message after the bad one');
      assert.deepEqual(received, ['good']);
      const malformed = errors.find((e) => e instanceof MalformedMessageError) as MalformedMessageError | undefined;
      assert.ok(malformed, 'a MalformedMessageError was reported');
      assert.equal(malformed.content.toString(), '{not json');
      assert.equal(malformed.delivery.routingKey, routingKeyFor(binding, taskFields('bad')));
      await eventually(async () => (await client.queueStatus(deadQueue)).messageCount === 1, 'the malformed message in the dead-letter queue');
      subscription.unsubscribe();
    });

    test('manual ack is idempotent; nack requeues; ack after the channel closed is a reported no-op', async () => {
      const client = newClient();
      const errors = errorsOf(client);
      const binding = events.taskCompleted({ taskId: 'manual' });
      const seen: PulseMessage<TaskCompletedMessage, QueueRoutingKeys['taskCompleted']>[] = [];
      const ready = consumingOn(client);
      const subscription = client.listen(binding, { ack: 'manual' }).subscribe((m) => seen.push(m));
      await ready;
      await publishCompleted(suite.publisher, binding, 'manual');
      await eventually(() => seen.length >= 1, 'first delivery');
      const first = seen[0]!;
      assert.equal(first.nack(), 'sent');
      assert.equal(first.nack(), 'already-settled');
      assert.equal(first.ack(), 'already-settled');
      await eventually(() => seen.some((m) => m !== first && m.redelivered), 'redelivery after nack');
      const second = seen.find((m) => m !== first && m.redelivered)!;
      assert.equal(second.ack(), 'sent');
      assert.equal(second.ack(), 'already-settled', 'a second ack sends nothing (it would close the channel)');
      // Still healthy: a new message arrives on the same channel.
      await publishCompleted(suite.publisher, binding, 'manual');
      await eventually(() => seen.length === 3, 'a later message');
      const third = seen[2]!;
      assert.equal(third.redelivered, false);
      subscription.unsubscribe();
      // The channel closes asynchronously after unsubscribing; then an ack sends nothing, and says so.
      await eventually(() => third.stale, 'the channel to close');
      assert.equal(third.ack(), 'channel-closed');
      assert.equal(errors.filter((e) => e instanceof StaleDeliveryError).length, 1, 'the stale ack was reported');
    });

    test('batched acks: out-of-order acks and nacks settle exactly what was settled, never a held message', async () => {
      const client = newClient();
      const errors = errorsOf(client);
      const queueName = queueFor('acks');
      const binding = events.taskCompleted();
      const received: PulseMessage[] = [];
      const ready = consumingOn(client);
      const subscription = client.listen(binding, { queueName, queueType: 'classic', ack: 'manual', prefetch: 20 }).subscribe((m) => received.push(m));
      await ready;
      for (let i = 0; i < 10; i++) await publishCompleted(suite.publisher, binding, `ack${i}`);
      await eventually(() => received.length === 10, 'ten deliveries');
      const byId = (id: number) => received.find((m) => m.fields.taskId === `ack${id}`)!;
      // Message 4 stays unsettled; acks before and after it, a nack in between, in no particular order.
      for (const id of [9, 7, 5]) byId(id).ack();
      byId(8).nack({ requeue: false });
      await new Promise((resolve) => setImmediate(resolve));
      for (const id of [3, 1, 0, 2, 6]) byId(id).ack();
      await new Promise((resolve) => setTimeout(resolve, 50));
      subscription.unsubscribe();
      await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'consumer gone');
      assert.equal((await client.queueStatus(queueName)).messageCount, 1, 'only the held message went back to the queue');
      assert.deepEqual(errors.map((e) => e.name), [], 'no channel error (a double ack would close the channel with 406)');
    });

    test('messages matching none of the bindings (left over on a durable queue) are dropped and reported', async () => {
      const client = newClient();
      const errors = errorsOf(client);
      const queueName = queueFor('stale');
      const old = events.taskCompleted({ taskId: 'old-interest' });
      // An earlier version of the bot bound the queue more widely.
      const first = client.listen([old, events.taskCompleted({ taskId: 'kept' })], { queueName, queueType: 'classic' }).subscribe();
      await eventually(async () => (await client.queueStatus(queueName).catch(() => ({ consumerCount: 0 }))).consumerCount === 1, 'consumer');
      first.unsubscribe();
      await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'old consumer gone');
      const received: string[] = [];
      const current = client.listen(events.taskCompleted({ taskId: 'kept' }), { queueName, queueType: 'classic' }).subscribe((m) => received.push(m.fields.taskId));
      await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 1, 'consumer');
      await publishCompleted(suite.publisher, old, 'old-interest');
      await publishCompleted(suite.publisher, old, 'kept');
      await eventually(() => received.includes('kept'), 'the wanted message');
      assert.deepEqual(received, ['kept']);
      await eventually(() => errors.some((e) => e instanceof UnboundMessageError), 'the stale message reported');
      current.unsubscribe();
    });

    test('maxLength with drop-head keeps the queue bounded', async () => {
      const client = newClient();
      const queueName = queueFor('bounded');
      const binding = events.taskCompleted();
      const held: unknown[] = [];
      // prefetch 1 and manual ack: one message in flight, the rest wait in the queue.
      const subscription = client.listen(binding, { queueName, maxLength: 3, overflow: 'drop-head', prefetch: 1, ack: 'manual' }).subscribe((m) => held.push(m));
      await eventually(async () => (await client.queueStatus(queueName).catch(() => ({ consumerCount: 0 }))).consumerCount === 1, 'consumer');
      for (let i = 0; i < 10; i++) await publishCompleted(suite.publisher, binding, `t${i}`);
      const status = await client.queueStatus(queueName);
      assert.ok(status.messageCount <= 3, `queue depth ${status.messageCount} is bounded by 3`);
      subscription.unsubscribe();
    });

    test('named queues default to quorum: deliveryCount is exact across redeliveries', async () => {
      const client = newClient();
      const queueName = queueFor('quorum');
      const binding = events.taskCompleted({ taskId: 'counted' });
      const counts: Array<number | undefined> = [];
      const subscription = client.listen(binding, { queueName, ack: 'manual' }).subscribe((m) => {
        counts.push(m.deliveryCount);
        if (counts.length < 3) m.nack();
        else m.ack();
      });
      await eventually(async () => (await client.queueStatus(queueName).catch(() => ({ consumerCount: 0 }))).consumerCount === 1, 'consumer');
      await publishCompleted(suite.publisher, binding, 'counted');
      await eventually(() => counts.length === 3, 'three deliveries');
      assert.deepEqual(counts, [1, 2, 3]);
      subscription.unsubscribe();
    });

    test('top-level listen() uses a default client from the environment', async (t) => {
      withEnvironment(t, target.defaultClientEnv);
      setDefaultPulseClient(undefined);
      const binding = events.taskCompleted({ taskId: 'top-level' });
      const ready = consumingOn(defaultPulseClient());
      const received = firstValueFrom(listen(binding));
      await ready;
      await publishCompleted(suite.publisher, binding, 'top-level');
      const message = await received;
      assert.equal(message.payload.status.taskId, 'top-level');
      // firstValueFrom unsubscribed; the idle default client lets go of its connection so scripts can exit.
      await eventually(() => !defaultPulseClient().connected, 'the idle default client to disconnect');
      await defaultPulseClient().close();
    });
  });
}
