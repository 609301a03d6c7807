/**
 * Handlers that never settle cannot stall consume(): a handler timeout frees
 * the slot (the delivery counts as failed), and slots of a channel that is
 * gone are given back. On the embedded broker (simulated connection loss) and
 * on RabbitMQ (connections closed by the broker).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { connectMemoryBroker, discardMemoryBroker, getMemoryBroker } from '../src/memory-broker/index.js';
import { type ConsumeOutcome, type HandlerTimeoutError, type MessageOf, PulseClient, type PulseClientOptions } from '../src/pulse/index.js';
import { consumingOn, eventually, killConnections } from './support/rabbit.js';
import { errorsOf, useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, publishCompleted, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const binding = events.taskCompleted();
type Message = MessageOf<typeof binding>;
const suite = useRabbitSuite({
  exchanges: [binding.exchange],
  connectionPrefix: 'pulse-consume-stuck-test',
  clientDefaults: { reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, closeTimeoutMs: 500 },
});

/** A fresh embedded broker with the binding's exchange, a publisher, and clients on it; discarded after the file. */
async function memoryBroker() {
  const url = `memory://consume-stuck-${randomBytes(4).toString('hex')}`;
  const connection = await connectMemoryBroker(url);
  const channel = await connection.createChannel();
  await channel.assertExchange(binding.exchange, 'topic', { durable: true });
  const clients: PulseClient[] = [];
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await connection.close();
    discardMemoryBroker(url);
  });
  return {
    broker: getMemoryBroker(url),
    publish: (taskId: string) => void channel.publish(binding.exchange, routingKeyFor(binding, taskFields(taskId)), Buffer.from(JSON.stringify(taskCompletedBody(taskId)))),
    newClient: (options: Partial<PulseClientOptions> = {}) => {
      const client = new PulseClient({ url, connectionName: `bot-${clients.length}`, reconnect: { initialDelayMs: 10, maxDelayMs: 50 }, closeTimeoutMs: 500, ...options });
      clients.push(client);
      return client;
    },
  };
}

const never = new Promise<never>(() => undefined);

describe('slots are given back when their channel is gone', () => {
  test('embedded broker: 4 handlers hung forever (no timeout), connection lost: the next 100 messages are all handled', async () => {
    const memory = await memoryBroker();
    const client = memory.newClient();
    client.on('error', () => undefined);
    const handled = new Set<string>();
    let hung = 0;
    const ready = consumingOn(client);
    const subscription = client
      .consume(binding, (m: Message) => (m.fields.taskId.startsWith('hang') && hung < 4 ? (hung++, never) : void handled.add(m.fields.taskId)), {
        queueName: 'stuck',
        concurrency: 4,
        handlerTimeoutMs: Infinity,
      })
      .subscribe();
    await ready;
    for (let i = 0; i < 4; i++) memory.publish(`hang${i}`);
    await eventually(() => hung === 4, 'four handlers hung', 5_000);

    const resumed = consumingOn(client);
    assert.equal(memory.broker.simulateConnectionLoss({ connectionName: client.connectionName }), 1);
    assert.equal((await resumed).resumed, true);
    for (let i = 0; i < 100; i++) memory.publish(`m${i}`);
    try {
      await eventually(() => handled.size === 104, 'the 100 new messages and the 4 redelivered ones handled', 5_000);
    } finally {
      subscription.unsubscribe();
    }
  });

  test('RabbitMQ: 2 hung handlers, connection closed by the broker: the next 20 messages are all handled', async () => {
    const client = suite.newClient();
    client.on('error', () => undefined);
    const queueName = suite.queueFor('stuck');
    const handled = new Set<string>();
    let hung = 0;
    const ready = consumingOn(client);
    const subscription = client
      .consume(binding, (m: Message) => (m.fields.taskId.startsWith('hang') && hung < 2 ? (hung++, never) : void handled.add(m.fields.taskId)), {
        queueName,
        concurrency: 2,
        handlerTimeoutMs: Infinity,
      })
      .subscribe();
    await ready;
    for (let i = 0; i < 2; i++) await publishCompleted(suite.publisher, binding, `hang${i}`);
    await eventually(() => hung === 2, 'two handlers hung');
    const resumed = consumingOn(client);
    assert.equal(await killConnections(client.connectionName), 1);
    assert.equal((await resumed).resumed, true);
    for (let i = 0; i < 20; i++) await publishCompleted(suite.publisher, binding, `m${i}`);
    try {
      await eventually(() => handled.size === 22, 'the 20 new messages and the 2 redelivered ones handled', 10_000);
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('handler timeout', () => {
  test('a handler outrunning handlerTimeoutMs: reported, counted as a failed delivery, its slot freed; its late result settles nothing', async () => {
    const memory = await memoryBroker();
    const client = memory.newClient();
    const errors = errorsOf(client);
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
        { queueName: 'timeouts', concurrency: 1, handlerTimeoutMs: 150, retryDelayMs: 0 },
      )
      .subscribe((o) => outcomes.push(o));
    await ready;
    const begin = Date.now();
    memory.publish('slow');
    memory.publish('next');
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
    await eventually(() => memory.broker.queueInfo('queue/guest/timeouts')?.consumerCount === 0, 'consumer gone', 2_000);
    assert.equal(memory.broker.queueInfo('queue/guest/timeouts')?.messageCount, 0, 'nothing left, nothing requeued twice');
  });
});
