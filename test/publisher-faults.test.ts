/**
 * PulsePublisher never waits forever: a half-open link, a lost connection, a
 * server that never answers, a close with messages in flight. Faults only
 * hit this file's own connections: they go through a TCP proxy the test
 * controls; exchanges and queues are this file's own and deleted afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test, type TestContext } from 'node:test';
import amqplib from 'amqplib';
import { discardMemoryBroker, getMemoryBroker, connectMemoryBroker } from '../src/memory-broker/index.js';
import { QueueEvents, slugid } from '../src/index.js';
import { PublishNotConfirmedError, PulsePublisher, type PulsePublisherOptions } from '../src/testing/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { deleteExchanges, deleteQueues, eventually, RABBIT_URL, uniqueName } from './support/rabbit.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const exchangePrefix = `exchange/${uniqueName('publisher-faults')}/`;
const exchange = `${exchangePrefix}task-completed`;
const queues: string[] = [];
after(async () => {
  await deleteQueues(...queues);
  await deleteExchanges(exchange);
});

/** Each test stops at this, so that one that hangs does not take the others with it. */
const PER_TEST = { timeout: 15_000 };

/** Generous: these should take their bound plus a few milliseconds. */
const SLACK_MS = 1_000;

function publisherOn(t: TestContext, url: string, options: Omit<PulsePublisherOptions, 'url'>): PulsePublisher {
  const publisher = new PulsePublisher({ url, closeTimeoutMs: 500, ...options });
  t.after(() => publisher.close());
  return publisher;
}

function publish(publisher: PulsePublisher, taskId: string) {
  return publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId), exchangePrefix });
}

async function proxy(t: TestContext, mode?: 'black-hole'): Promise<TcpProxy> {
  const started = await startTcpProxy(mode);
  t.after(() => started.close());
  return started;
}

/** Settles every promise, returning the time taken and the rejections. */
async function settleAll(promises: readonly Promise<unknown>[]): Promise<{ elapsedMs: number; errors: Error[] }> {
  const started = performance.now();
  const outcomes = await Promise.allSettled(promises);
  const errors = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : []));
  return { elapsedMs: Math.round(performance.now() - started), errors };
}

const taskIds = (count: number) => Array.from({ length: count }, () => slugid());

describe('PulsePublisher under faults', { timeout: 60_000 }, () => {
  test('half-open link: publishes reject within confirmTimeoutMs, naming exchange and routing key', PER_TEST, async (t) => {
    const link = await proxy(t);
    const publisher = publisherOn(t, link.url, { heartbeatSeconds: 1, confirmTimeoutMs: 3_000, connectTimeoutMs: 1_000 });
    await publish(publisher, slugid());
    link.pause();
    const ids = taskIds(10);
    const { elapsedMs, errors } = await settleAll(ids.map((id) => publish(publisher, id)));
    t.diagnostic(`10 publishes on a half-open link (heartbeat 1 s, confirmTimeoutMs 3000): all settled after ${elapsedMs} ms; ${errors.length} rejected`);
    assert.equal(errors.length, 10);
    assert.ok(elapsedMs <= 3_000 + SLACK_MS, `settled after ${elapsedMs} ms`);
    for (const error of errors) {
      assert.ok(error instanceof PublishNotConfirmedError, `${error.name}: ${error.message}`);
      assert.equal(error.reason, 'timeout');
      assert.equal(error.exchange, exchange);
      assert.ok(ids.includes(error.routingKey.split('.')[1]!), `routing key ${error.routingKey}`);
      assert.match(error.message, /not confirmed by the broker within 3000 ms \(last: .*(Heartbeat timeout|timed out)/);
      assert.doesNotMatch(error.message, /guest:guest/);
    }
  });

  test('connection lost with messages unconfirmed: republished on a new connection (at least once)', PER_TEST, async (t) => {
    const link = await proxy(t);
    const publisher = publisherOn(t, link.url, { heartbeatSeconds: 0, confirmTimeoutMs: 10_000 });
    await publish(publisher, slugid());
    const received = await collect(t, RABBIT_URL);
    link.pause();
    const ids = taskIds(10);
    const publishing = ids.map((id) => publish(publisher, id));
    // Sent, not confirmed: then the connection breaks and the network comes back.
    await new Promise((resolve) => setTimeout(resolve, 200));
    link.dropAll();
    link.resume();
    const { elapsedMs, errors } = await settleAll(publishing);
    assert.deepEqual(errors, []);
    await eventually(() => ids.every((id) => received.has(id)), 'every message arrived', 5_000);
    const duplicates = [...received.values()].reduce((sum, n) => sum + n - 1, 0);
    t.diagnostic(`10 unconfirmed when the connection dropped: all confirmed ${elapsedMs} ms later, ${duplicates} duplicates`);
  });

  test('a server that accepts TCP and never answers: publish() rejects within connectTimeoutMs', PER_TEST, async (t) => {
    const blackHole = await proxy(t, 'black-hole');
    const publisher = publisherOn(t, blackHole.url, { connectTimeoutMs: 1_000 });
    const { elapsedMs, errors } = await settleAll([publish(publisher, slugid())]);
    t.diagnostic(`publish() to a black hole (connectTimeoutMs 1000) rejected after ${elapsedMs} ms`);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /^PulsePublisher: cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:\d+: connection attempt timed out after 1000 ms$/);
    assert.ok(elapsedMs <= 1_000 + SLACK_MS, `rejected after ${elapsedMs} ms`);
    await eventually(() => blackHole.openConnections === 0, 'the attempt’s socket closed', 1_000);
  });

  test('close() with publishes in flight on a paused link returns within closeTimeoutMs; they reject as closed', PER_TEST, async (t) => {
    const link = await proxy(t);
    const publisher = publisherOn(t, link.url, { heartbeatSeconds: 0, confirmTimeoutMs: 30_000, closeTimeoutMs: 1_000 });
    await publish(publisher, slugid());
    link.pause();
    const publishing = settleAll(taskIds(5).map((id) => publish(publisher, id)));
    const started = performance.now();
    await publisher.close();
    const closeMs = Math.round(performance.now() - started);
    const { errors } = await publishing;
    t.diagnostic(`close() with 5 publishes in flight on a paused link (closeTimeoutMs 1000): ${closeMs} ms`);
    assert.ok(closeMs <= 1_000 + SLACK_MS / 2, `close() took ${closeMs} ms`);
    assert.equal(errors.length, 5);
    for (const error of errors) {
      assert.ok(error instanceof PublishNotConfirmedError, `${error.name}: ${error.message}`);
      assert.equal(error.reason, 'closed');
    }
  });

  test('memory broker: messages unconfirmed when the connection is lost are republished', PER_TEST, async (t) => {
    const url = `memory://publisher-faults-${randomBytes(4).toString('hex')}`;
    t.after(() => discardMemoryBroker(url));
    const connectionName = uniqueName('faulty-publisher');
    const publisher = publisherOn(t, url, { connectionName });
    await publish(publisher, slugid());
    const received = await collect(t, url);
    const ids = taskIds(10);
    const publishing = ids.map((id) => publish(publisher, id));
    assert.equal(getMemoryBroker(url).simulateConnectionLoss({ connectionName }), 1);
    const { errors } = await settleAll(publishing);
    assert.deepEqual(errors, []);
    await eventually(() => ids.every((id) => received.has(id)), 'every message arrived', 5_000);
  });

  test('bad timeouts are refused at construction, naming the option and the rule', () => {
    const url = 'amqp://127.0.0.1:1';
    assert.throws(() => new PulsePublisher({ url, confirmTimeoutMs: 0 }), /^TypeError: PulsePublisher: confirmTimeoutMs must be a finite number of milliseconds > 0, got 0$/);
    assert.throws(() => new PulsePublisher({ url, connectTimeoutMs: Number.NaN }), /connectTimeoutMs must be a finite number of milliseconds > 0, got NaN/);
    assert.throws(() => new PulsePublisher({ url, closeTimeoutMs: -1 }), /closeTimeoutMs must be a finite number of milliseconds >= 0, got -1/);
    assert.throws(() => new PulsePublisher({ url, heartbeatSeconds: 1.5 }), /heartbeatSeconds must be an integer >= 0 \(0 disables heartbeats\), got 1.5/);
  });
});

/** Task ids received on a fresh queue bound to the test exchange, with how often each came. */
async function collect(t: TestContext, url: string): Promise<Map<string, number>> {
  const connection = url.startsWith('memory:') ? await connectMemoryBroker(url) : await amqplib.connect(url);
  connection.on('error', () => undefined);
  t.after(() => connection.close().catch(() => undefined));
  const channel = await connection.createChannel();
  const queue = `queue/guest/${uniqueName('publisher-faults')}`;
  if (!url.startsWith('memory:')) queues.push(queue);
  await channel.assertQueue(queue, { exclusive: true });
  await channel.bindQueue(queue, exchange, '#');
  const received = new Map<string, number>();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const taskId = (JSON.parse(message.content.toString()) as { status: { taskId: string } }).status.taskId;
      received.set(taskId, (received.get(taskId) ?? 0) + 1);
    },
    { noAck: true },
  );
  return received;
}
