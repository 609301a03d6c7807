/**
 * What the memory broker offers beyond RabbitMQ for tests (inspection, cutting
 * connections) and what it refuses because it does not model it. Behaviour
 * shared with RabbitMQ is covered by the conformance suite instead.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Channel } from 'amqplib';
import { connectMemoryBroker, getMemoryBroker } from '../src/memory-broker/index.js';

const fresh = () => `memory://faults-${randomBytes(4).toString('hex')}`;

async function openChannel(url: string) {
  const connection = await connectMemoryBroker(url);
  connection.on('error', () => undefined);
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  return { connection, channel };
}

async function refusal(operation: Promise<unknown>): Promise<Error & { code: number }> {
  return operation.then(
    () => assert.fail('expected a refusal'),
    (error: Error & { code: number }) => error,
  );
}

describe('memory broker: inspection and faults', () => {
  test('queueInfo and queueNames show what clients declared', async () => {
    const url = fresh();
    const { connection, channel } = await openChannel(url);
    await channel.assertQueue('work', { durable: true, maxLength: 10 });
    channel.sendToQueue('work', Buffer.from('a'));
    await channel.consume('work', () => undefined, { consumerTag: 'c1' });
    const broker = getMemoryBroker(url);
    assert.deepEqual(broker.queueNames(), ['work']);
    assert.deepEqual(broker.queueInfo('work'), {
      name: 'work',
      messageCount: 0,
      consumerCount: 1,
      durable: true,
      exclusive: false,
      autoDelete: false,
      arguments: { 'x-max-length': 10 },
    });
    assert.equal(broker.queueInfo('missing'), undefined);
    assert.equal(broker.connectionCount, 1);
    assert.ok(broker.exchangeNames().includes('amq.topic'));
    await connection.close();
    assert.equal(broker.connectionCount, 0);
  });

  test('simulateConnectionLoss: error then close with the cause; unacknowledged messages return, exclusive queues go', async () => {
    const url = fresh();
    const { connection, channel } = await openChannel(url);
    await channel.assertQueue('durable-work', { durable: true });
    const { queue: exclusive } = await channel.assertQueue('', { exclusive: true });
    channel.sendToQueue('durable-work', Buffer.from('in flight'));
    const received = new Promise((resolve) => channel.consume('durable-work', resolve));
    await received;
    const events: string[] = [];
    channel.on('close', () => events.push('channel close'));
    connection.on('error', (error: Error) => events.push(`error ${error.message}`));
    const closed = new Promise<Error | undefined>((resolve) => connection.on('close', resolve));

    assert.equal(getMemoryBroker(url).simulateConnectionLoss({ error: new Error('read ECONNRESET') }), 1);
    const cause = await closed;
    assert.equal(cause?.message, 'read ECONNRESET');
    assert.deepEqual(events, ['error read ECONNRESET', 'channel close']);
    const broker = getMemoryBroker(url);
    assert.equal(broker.queueInfo('durable-work')?.messageCount, 1);
    assert.equal(broker.queueInfo(exclusive), undefined);
    await assert.rejects(connection.createChannel(), { name: 'IllegalOperationError', message: 'Connection closed (Error: read ECONNRESET)' });
  });

  test('connections are named by their connection_name; faults can target one of them', async () => {
    const url = fresh();
    const bot = await connectMemoryBroker(url, { clientProperties: { connection_name: 'bot' } });
    const publisher = await connectMemoryBroker(url, { clientProperties: { connection_name: 'publisher' } });
    await connectMemoryBroker(url);
    const broker = getMemoryBroker(url);
    assert.deepEqual(broker.connectionNames().sort(), ['bot', 'publisher']);
    const botClosed = new Promise<Error | undefined>((resolve) => bot.on('close', resolve));
    bot.on('error', () => undefined);
    assert.equal(broker.simulateConnectionLoss({ connectionName: 'bot' }), 1);
    assert.equal((await botClosed)?.message, 'Unexpected close');
    assert.deepEqual(broker.connectionNames(), ['publisher']);
    assert.equal(broker.forceCloseConnections({ connectionName: 'nobody' }), 0);
    assert.equal(broker.forceCloseConnections(), 2);
    await new Promise((resolve) => publisher.once('close', resolve));
    assert.equal(broker.connectionCount, 0);
  });

  test('publish never buffers: it returns true and drain is never needed', async () => {
    const { connection, channel } = await openChannel(fresh());
    const { queue } = await channel.assertQueue('', { exclusive: true });
    for (let i = 0; i < 10_000; i++) assert.equal(channel.sendToQueue(queue, Buffer.alloc(1024)), true);
    assert.equal((await channel.checkQueue(queue)).messageCount, 10_000);
    await connection.close();
  });

  describe('what it does not model is refused with 540 NOT_IMPLEMENTED, naming it', () => {
    const cases: [string, (channel: Channel) => Promise<unknown>, RegExp][] = [
      ['message TTL', (ch) => ch.assertQueue('', { messageTtl: 1000 }), /message TTLs \(x-message-ttl\)/],
      ['priority queues', (ch) => ch.assertQueue('', { maxPriority: 5 }), /priority queues \(x-max-priority\)/],
      ['byte limits', (ch) => ch.assertQueue('', { arguments: { 'x-max-length-bytes': 10 } }), /x-max-length-bytes/],
      ['stream queues', (ch) => ch.assertQueue('s', { arguments: { 'x-queue-type': 'stream' } }), /stream queues/],
      ['headers exchanges', (ch) => ch.assertExchange('h', 'headers'), /'headers' exchanges/],
      ['alternate exchanges', (ch) => ch.assertExchange('ae', 'topic', { alternateExchange: 'x' }), /alternate exchanges/],
      ['consumer priorities', async (ch) => ch.consume((await ch.assertQueue('')).queue, () => undefined, { priority: 1 }), /consumer priorities/],
    ];
    for (const [what, attempt, message] of cases) {
      test(what, async () => {
        const { connection, channel } = await openChannel(fresh());
        const error = await refusal(attempt(channel));
        assert.equal(error.code, 540);
        assert.match(error.message, /NOT_IMPLEMENTED - the memory broker does not model /);
        assert.match(error.message, message);
        await connection.close();
      });
    }
  });
});
