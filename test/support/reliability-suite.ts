/**
 * Reliability under faults from the broker side: connections force-closed, a
 * queue deleted under its consumer, a channel error, the app stopped and
 * restarted, a dead URL before a live one, a queue declared otherwise. On
 * RabbitMQ and on the memory broker (test/pulse-reliability-*.test.ts).
 * Faults only ever hit this test's own connections (found by name).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AmqpChannel,
  ConsumerCancelledError,
  PulseClient,
  type PulseClientOptions,
  type PulseMessage,
  QueueSetupError,
  redactUrl,
} from '../../src/pulse/index.js';
import { useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { registerTappedConnector } from './channel-tap.js';
import { consumingOn, eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted } from './rabbit-fixtures.js';

export function defineReliabilitySuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  const suite = useBrokerSuite(target, {
    exchanges: [binding.exchange],
    connectionPrefix: 'pulse-reliability-test',
    clientDefaults: { reconnect: { initialDelayMs: 50, maxDelayMs: 500 } },
  });
  const { queueFor } = suite;

  function newClient(options: Partial<PulseClientOptions> = {}): PulseClient {
    const client = suite.newClient(options);
    client.on('error', () => undefined);
    return client;
  }

  describe(`reliability on ${target.name}`, () => {
    test('connections force-closed by the broker while messages keep coming: every message handled, none lost', async (t) => {
      const client = newClient();
      const queueName = queueFor('kill');
      const handled = new Map<string, number>();
      let disconnects = 0;
      let resumes = 0;
      client.on('disconnected', () => disconnects++);
      client.on('consuming', (info) => (resumes += info.resumed ? 1 : 0));
      const ready = consumingOn(client);
      const subscription = client
        .consume(binding, (m) => void handled.set(m.fields.taskId, (handled.get(m.fields.taskId) ?? 0) + 1), { queueName, concurrency: 4, retryDelayMs: 10 })
        .subscribe();
      await ready;

      // Publish throughout the faults: before, between and after the kills.
      let killing = true;
      let published = 0;
      const publishing = (async () => {
        while (killing || published < 200) {
          await publishCompleted(suite.publisher, binding, `m${published++}`);
          if (published % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const kills = 3;
      for (let k = 0; k < kills; k++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await eventually(() => client.connected, 'reconnected before the next kill');
        assert.equal(await target.forceClose(client.connectionName), 1, 'closed exactly our one connection');
      }
      killing = false;
      await publishing;
      const total = published;
      await eventually(() => handled.size === total, `all ${total} messages handled`, 30_000);
      await eventually(() => resumes === kills, 'resumed after each kill');

      const lost = Array.from({ length: total }, (_, i) => `m${i}`).filter((id) => !handled.has(id));
      const duplicates = [...handled.values()].reduce((sum, n) => sum + n - 1, 0);
      t.diagnostic(`published ${total}, killed the connection ${kills} times: lost ${lost.length}, duplicates ${duplicates}`);
      assert.equal(lost.length, 0);
      assert.equal(disconnects, kills);
      subscription.unsubscribe();
    });

    test('every live subscription resumes after a reconnection; ephemeral queues get a fresh name', async () => {
      const client = newClient();
      const first: string[] = [];
      const second: string[] = [];
      const queuesSeen = new Set<string>();
      client.on('consuming', (info) => queuesSeen.add(info.queue));
      let consuming = 0;
      client.on('consuming', () => consuming++);
      const a = client.listen(events.taskCompleted({ taskId: 'both' })).subscribe((m) => first.push(m.fields.taskId));
      const b = client.listen(binding).subscribe((m) => second.push(m.fields.taskId));
      await eventually(() => consuming === 2, 'both consuming');
      assert.equal(await target.forceClose(client.connectionName), 1);
      await eventually(() => consuming === 4, 'both resumed');
      assert.equal(queuesSeen.size, 4, 'four distinct ephemeral queue names: a new one per connection');
      await publishCompleted(suite.publisher, binding, 'both');
      await eventually(() => first.includes('both') && second.includes('both'), 'both subscriptions receive');
      a.unsubscribe();
      b.unsubscribe();
    });

    test('a queue deleted under its consumer is re-declared and consumption resumes', async () => {
      const client = newClient();
      const cancelled: Error[] = [];
      client.on('error', (e) => e instanceof ConsumerCancelledError && cancelled.push(e));
      const queueName = queueFor('deleted');
      const received: string[] = [];
      const ready = consumingOn(client);
      const subscription = client.listen(binding, { queueName }).subscribe((m) => received.push(m.fields.taskId));
      const { queue } = await ready;
      const resumed = consumingOn(client);
      // Deleted from outside, like the Pulse guardian does with an overgrown queue.
      const side = await suite.publisher.sideChannel();
      await side.deleteQueue(queue);
      await side.close();
      const again = await resumed;
      assert.equal(again.queue, queue);
      assert.equal(again.resumed, true);
      assert.equal(cancelled.length, 1);
      assert.match(cancelled[0]!.message, /queue deleted/);
      await publishCompleted(suite.publisher, binding, 'after-delete');
      await eventually(() => received.includes('after-delete'), 'a message after the queue came back');
      subscription.unsubscribe();
    });

    test('a channel error from the broker: resume on a new channel; acks of old deliveries never reach it', async () => {
      // A connector that keeps the channels it hands out, so the test can make the broker close one.
      const channels: AmqpChannel[] = [];
      const scheme = `faulty-${target.name.replace(/\W+/g, '-').toLowerCase()}:`;
      registerTappedConnector(target, scheme, (channel) => channels.push(channel));
      const client = newClient({ url: `${scheme}//guest:guest@localhost` });
      const channelErrors: Error[] = [];
      client.on('error', (e) => e.name === 'ChannelClosedError' && channelErrors.push(e));
      const received: PulseMessage[] = [];
      const ready = consumingOn(client);
      const subscription = client.listen(binding, { ack: 'manual' }).subscribe((m) => received.push(m));
      await ready;
      await publishCompleted(suite.publisher, binding, 'held');
      await eventually(() => received.length === 1, 'first message');
      const held = received[0]!;

      const resumed = consumingOn(client);
      // Acking a delivery tag the channel never had: the broker closes the channel with 406.
      channels.at(-1)!.ack({ content: Buffer.alloc(0), fields: { deliveryTag: 999_999, redelivered: false, exchange: '', routingKey: '' }, properties: {} });
      await resumed;
      assert.equal(channelErrors.length, 1);
      assert.match(channelErrors[0]!.message, /PRECONDITION_FAILED|unknown delivery tag/i);
      // The held message's tag belongs to the dead channel: acking it must send nothing.
      assert.equal(held.ack(), 'channel-closed');
      // It was requeued when its channel died, and comes again on the new one.
      await eventually(() => received.length >= 2, 'the requeued message on the new channel');
      assert.equal(received[1]!.fields.taskId, 'held');
      assert.equal(received[1]!.redelivered, true);
      assert.equal(received[1]!.ack(), 'sent');
      await publishCompleted(suite.publisher, binding, 'later');
      await eventually(() => received.some((m) => m.fields.taskId === 'later'), 'a later message');
      assert.equal(received.at(-1)!.ack(), 'sent');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(channelErrors.length, 1, 'no second channel error: no stale tag reached the new channel');
      subscription.unsubscribe();
    });

    test('the app stopped and started: the durable queue keeps what was published meanwhile', async () => {
      const queueName = queueFor('restart-app');
      const handled = new Set<string>();
      const handler = (m: PulseMessage<unknown, { readonly taskId: string }>) => void handled.add(m.fields.taskId);
      const firstRun = newClient();
      let ready = consumingOn(firstRun);
      firstRun.consume(binding, handler, { queueName }).subscribe();
      await ready;
      for (let i = 0; i < 10; i++) await publishCompleted(suite.publisher, binding, `before${i}`);
      await eventually(() => handled.size === 10, 'first batch');
      await firstRun.close();
      assert.equal(await target.connectionCount(firstRun.connectionName), 0, 'the first run left no connection behind');
      for (let i = 0; i < 10; i++) await publishCompleted(suite.publisher, binding, `while-down${i}`);
      const secondRun = newClient();
      ready = consumingOn(secondRun);
      secondRun.consume(binding, handler, { queueName }).subscribe();
      await ready;
      await eventually(() => handled.size === 20, 'messages published while the app was down');
    });


    test('failover: with several URLs, a dead one is skipped', async () => {
      const client = newClient({ url: undefined, urls: ['amqp://guest:guest@127.0.0.1:1', target.url] } as Partial<PulseClientOptions>);
      const connected: string[] = [];
      client.on('connected', (info) => connected.push(info.url));
      const ready = consumingOn(client);
      const subscription = client.listen(binding).subscribe();
      await ready;
      assert.equal(connected.length, 1);
      assert.ok(connected[0]!.startsWith(redactUrl(target.url)), `connected to ${connected[0]}, the live one`);
      subscription.unsubscribe();
    });


    test('a queue that exists with other arguments ends the stream with a QueueSetupError naming it', async () => {
      const client = newClient();
      const queueName = queueFor('mismatch');
      const side = await suite.publisher.sideChannel();
      await side.assertQueue(`queue/guest/${queueName}`, { durable: true, arguments: { 'x-queue-type': 'classic' } });
      await side.close();
      const failure = await new Promise<Error>((resolve) => client.listen(binding, { queueName, queueType: 'quorum' }).subscribe({ error: resolve }));
      assert.ok(failure instanceof QueueSetupError, String(failure));
      assert.equal(failure.code, 406);
      assert.match(failure.message, new RegExp(`queue/guest/${queueName}`));
      assert.match(failure.message, /delete it or use another queueName/);
    });
  });
}
