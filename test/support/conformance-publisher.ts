/**
 * PulsePublisher scenarios run on both brokers (test/publisher-rabbitmq and
 * test/publisher-memory): what goes on the wire is read back with a plain
 * amqplib-style consumer, not with this library's listener.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { QueueEvents, slugid, type QueueMessages } from '../../src/index.js';
import { PulsePublisher } from '../../src/testing/index.js';
import { Inbox, unique, WAIT_MS } from './conformance-kit.js';
import { completedTaskStatus, taskFields } from './rabbit-fixtures.js';

export interface PublisherTarget {
  readonly name: string;
  readonly url: string;
  /** How many messages to publish at once: on RabbitMQ, enough to fill amqplib's write buffer. */
  readonly burst: number;
  /** A raw connection to the same broker, to read what was published. */
  connect(): Promise<ChannelModel>;
}

/** Routing-key fields of a completed run, as the queue service derives them from the task. */
export function completedFields(taskId: string, runId = 0) {
  return taskFields(taskId, runId, taskId);
}

/** A task-completed payload that satisfies the schema. */
export function completedPayload(taskId: string, runId = 0): QueueMessages['taskCompleted'] {
  const time = '2030-01-01T00:00:00.000Z';
  const run = { runId, state: 'completed', reasonCreated: 'scheduled', reasonResolved: 'completed', workerGroup: 'wg', workerId: 'w1', takenUntil: time, scheduled: time, started: time, resolved: time } as const;
  return { version: 1, status: completedTaskStatus(taskId, taskId, [run]), runId, workerGroup: 'wg', workerId: 'w1' };
}

const options = { timeout: WAIT_MS * 3 };

export function definePublisherSuite(target: PublisherTarget): void {
  describe(`PulsePublisher on ${target.name}`, () => {
    let raw: ChannelModel;
    let channel: Channel;
    const exchanges: string[] = [];
    const publishers: PulsePublisher[] = [];

    before(async () => {
      raw = await target.connect();
      raw.on('error', () => undefined);
      channel = await raw.createChannel();
      channel.on('error', () => undefined);
    });

    after(async () => {
      await Promise.all(publishers.map((p) => p.close()));
      const cleanup = await raw.createChannel();
      for (const exchange of exchanges) await cleanup.deleteExchange(exchange).catch(() => undefined);
      await raw.close().catch(() => undefined);
    });

    function newPublisher(): PulsePublisher {
      const publisher = new PulsePublisher({ url: target.url });
      publishers.push(publisher);
      return publisher;
    }

    /** An exchange prefix of our own: other suites use the same broker. */
    function privatePrefix(): string {
      const prefix = `exchange/${unique('publisher')}/`;
      exchanges.push(`${prefix}task-completed`, `${prefix}task-failed`);
      return prefix;
    }

    /** A queue bound to `exchange` with `pattern`, with a consumer collecting its messages. */
    async function listenTo(exchange: string, pattern: string): Promise<Inbox> {
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, pattern);
      const inbox = new Inbox();
      await channel.consume(queue, inbox.push, { noAck: true });
      return inbox;
    }

    test('a message goes out exactly as Taskcluster publishes it: key, CC routes, persistent JSON', options, async () => {
      const publisher = newPublisher();
      const exchangePrefix = privatePrefix();
      const taskId = slugid();
      // The first publish declares the exchange; bind afterwards and publish again.
      await publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(slugid()), payload: completedPayload(slugid()), exchangePrefix });
      const exchange = `${exchangePrefix}task-completed`;
      const all = await listenTo(exchange, '#');
      const viaRoute = await listenTo(exchange, 'route.index.project.#');

      const published = await publisher.publish(QueueEvents, 'taskCompleted', {
        fields: completedFields(taskId, 2),
        payload: completedPayload(taskId, 2),
        routes: ['index.project.build', 'notify.email.someone@example.com.on-completed'],
        exchangePrefix,
      });

      const expectedKey = `primary.${taskId}.2.wg.w1.prov.wt.sched.${taskId}._`;
      const [message] = (await all.waitFor(1)) as ConsumeMessage[];
      assert.equal(message!.fields.exchange, exchange);
      assert.equal(message!.fields.routingKey, expectedKey);
      assert.deepEqual(message!.properties.headers, { CC: ['route.index.project.build', 'route.notify.email.someone@example.com.on-completed'] });
      assert.equal(message!.properties.deliveryMode, 2);
      assert.equal(message!.properties.contentType, 'application/json');
      assert.equal(message!.properties.contentEncoding, 'utf-8');
      assert.deepEqual(JSON.parse(message!.content.toString('utf8')), completedPayload(taskId, 2));
      assert.deepEqual(published, {
        exchange,
        routingKey: expectedKey,
        cc: ['route.index.project.build', 'route.notify.email.someone@example.com.on-completed'],
        content: message!.content,
      });
      const [routed] = await viaRoute.waitFor(1);
      assert.equal(routed!.fields.routingKey, expectedKey, 'a binding on the route gets it through CC');
    });

    test('without routes the CC header is an empty list, as from Taskcluster; missing optional entries are _', options, async () => {
      const publisher = newPublisher();
      const exchangePrefix = privatePrefix();
      await publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(slugid()), payload: completedPayload(slugid()), exchangePrefix });
      const inbox = await listenTo(`${exchangePrefix}task-completed`, '#');
      const taskId = slugid();
      await publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId), exchangePrefix });
      const [message] = await inbox.waitFor(1);
      assert.deepEqual(message!.properties.headers, { CC: [] });
      assert.match(message!.fields.routingKey, /\._$/);
    });

    test('the exchange is declared as Taskcluster declares it: a durable topic exchange', options, async () => {
      const publisher = newPublisher();
      const exchangePrefix = privatePrefix();
      await publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(slugid()), payload: completedPayload(slugid()), exchangePrefix });
      const exchange = `${exchangePrefix}task-completed`;
      const check = await raw.createChannel();
      check.on('error', () => undefined);
      assert.deepEqual(await check.assertExchange(exchange, 'topic', { durable: true }), { exchange });
      await assert.rejects(check.assertExchange(exchange, 'topic', { durable: false }), { code: 406 });
    });

    test('publish resolves once confirmed: concurrent publishes all arrive, in order', options, async () => {
      const publisher = newPublisher();
      const exchangePrefix = privatePrefix();
      await publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(slugid()), payload: completedPayload(slugid()), exchangePrefix });
      const inbox = await listenTo(`${exchangePrefix}task-completed`, '#');
      const count = target.burst;
      const taskIds = Array.from({ length: count }, () => slugid());
      await Promise.all(
        taskIds.map((taskId) => publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId), exchangePrefix })),
      );
      await inbox.waitFor(count);
      assert.deepEqual(
        inbox.messages.map((m) => (JSON.parse(m.content.toString()) as QueueMessages['taskCompleted']).status.taskId),
        taskIds,
      );
    });

    test('an exchange the broker refuses fails that publish clearly; the next publish works', options, async () => {
      const publisher = newPublisher();
      const exchangePrefix = privatePrefix();
      const setup = await raw.createChannel();
      await setup.assertExchange(`${exchangePrefix}task-completed`, 'fanout', { durable: true });
      await setup.close();
      const taskId = slugid();
      await assert.rejects(
        publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId), exchangePrefix }),
        (error: Error) => {
          assert.match(error.message, new RegExp(`^${exchangePrefix}task-completed: could not declare the exchange \\(.*406.*inequivalent arg 'type'`));
          return true;
        },
      );
      const failed = await publisher.publish(QueueEvents, 'taskFailed', { fields: completedFields(taskId), payload: { ...completedPayload(taskId), status: { ...completedPayload(taskId).status, state: 'failed' } }, exchangePrefix });
      assert.equal(failed.exchange, `${exchangePrefix}task-failed`);
    });

    test('declareExchanges sets up a source’s exchanges as a deployment has them, so bots can bind first', options, async () => {
      const publisher = newPublisher();
      const exchangePrefix = `exchange/${unique('declare')}/`;
      const declared = await publisher.declareExchanges(QueueEvents, undefined, { exchangePrefix });
      exchanges.push(...declared);
      assert.equal(declared.length, QueueEvents.reference.entries.length);
      assert.ok(declared.includes(`${exchangePrefix}task-group-resolved`));
      const check = await raw.createChannel();
      for (const exchange of declared) await check.checkExchange(exchange);
      // A bot binds now; the first message reaches it.
      const inbox = await listenTo(`${exchangePrefix}task-failed`, 'primary.#');
      const taskId = slugid();
      const failed = { ...completedPayload(taskId), status: { ...completedPayload(taskId).status, state: 'failed' as const } };
      await publisher.publish(QueueEvents, 'taskFailed', { fields: completedFields(taskId), payload: failed, exchangePrefix });
      await inbox.waitFor(1);
      assert.deepEqual(await publisher.declareExchanges(QueueEvents, ['taskFailed'], { exchangePrefix }), [`${exchangePrefix}task-failed`]);
      await assert.rejects(publisher.declareExchanges(QueueEvents, ['nope' as 'taskFailed']), { name: 'PublishError', message: /no exchange named "nope"/ });
    });

    test('after close, publish refuses', options, async () => {
      const publisher = newPublisher();
      await publisher.close();
      await assert.rejects(
        publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(slugid()), payload: completedPayload(slugid()) }),
        /PulsePublisher is closed/,
      );
    });
  });
}
