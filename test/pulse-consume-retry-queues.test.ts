/**
 * consume() with `retryQueues` on the real RabbitMQ: a failed message waits
 * out its delay in `queue/<ns>/<name>/retry/<delay>` rather than in the
 * process, holding neither a concurrency slot nor prefetch; it comes back as
 * first published, its delivery count carried by the broker's `x-death`; a
 * publisher cannot forge its way into that. memory:// refuses the option
 * (it has no message TTLs).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { PulseMessage } from '../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './support/broker-suite.js';
import { memoryTarget, rabbitTarget } from './support/broker-target.js';
import { measureFailureDelay, messagesIn } from './support/consume-failures-suite.js';
import { consuming } from './support/consuming.js';
import { deleteExchanges, deleteQueues, eventually } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const binding = events.taskCompleted();
const suite = useBrokerSuite(rabbitTarget, { exchanges: [binding.exchange], connectionPrefix: 'failures-retry-queues', clientDefaults: { closeTimeoutMs: 5_000 } });

/** Retry queues and exchanges the tests made; deleted at the end (the suite deletes the main queues). */
const retryLeftovers = { queues: [] as string[], exchanges: [] as string[] };
function retryQueuesOf(queueName: string, delays: readonly number[]): string[] {
  const queues = delays.map((delay) => `queue/guest/${queueName}/retry/${delay}`);
  retryLeftovers.queues.push(...queues);
  retryLeftovers.exchanges.push(`exchange/guest/${queueName}/retry`);
  return queues;
}
after(async () => {
  await deleteQueues(...retryLeftovers.queues);
  await deleteExchanges(...retryLeftovers.exchanges);
});

describe('retryQueues on RabbitMQ', () => {
  test('a failed message waits in its retry queue and comes back as first published: exchange, routing key, routes, properties, bytes; counted 1, 2, 3', async () => {
    const client = suite.newClient();
    const queueName = suite.queueFor('failures-retry-route');
    const [retry200, retry400] = retryQueuesOf(queueName, [200, 400]);
    const seen: Array<{ json: unknown; content: Buffer; properties: Record<string, unknown> }> = [];
    const { outcomes, subscription } = await consuming(
      client,
      binding,
      (m) => {
        const raw = (m as unknown as { raw: { content: Buffer; properties: Record<string, unknown> } }).raw;
        seen.push({ json: { ...(m as PulseMessage).toJSON(), deliveryCount: undefined, redelivered: undefined }, content: raw.content, properties: raw.properties });
        if (seen.length < 3) throw new Error(`attempt ${seen.length} fails`);
        return 'ok';
      },
      { queueName, retryQueues: true, retryDelayMs: (n) => 200 * n, maxDeliveries: 3 },
    );
    // Published with CC routes and properties of its own, on a plain channel (a Taskcluster service's shape).
    const channel = await suite.publisher.sideChannel();
    const routingKey = routingKeyFor(binding, taskFields('moves'));
    const content = Buffer.from(JSON.stringify(taskCompletedBody('moves')));
    channel.publish(binding.exchange, routingKey, content, {
      CC: ['route.index.a', 'route.notify.b'],
      messageId: 'message-1',
      timestamp: 1_700_000_000,
      contentType: 'application/json',
      persistent: true,
      headers: { 'x-custom': 'kept' },
    });
    await eventually(() => outcomes.length === 3, 'three outcomes', 10_000);
    await channel.close();
    subscription.unsubscribe();
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.deliveryCount, o.status === 'retrying' ? o.retryQueue : undefined]),
      [
        ['retrying', 1, retry200],
        ['retrying', 2, retry400],
        ['handled', 3, undefined],
      ],
    );
    // Every delivery looked the same to the handler.
    for (const delivery of seen.slice(1)) {
      assert.deepEqual(delivery.json, seen[0]!.json);
      assert.deepEqual(delivery.content, content);
      assert.deepEqual(delivery.properties, seen[0]!.properties);
    }
    const first = seen[0]!;
    assert.equal((first.json as { exchange: string }).exchange, binding.exchange);
    assert.equal((first.json as { routingKey: string }).routingKey, routingKey);
    assert.deepEqual((first.json as { routes: string[] }).routes, ['index.a', 'notify.b']);
    assert.equal(first.properties.messageId, 'message-1');
    assert.deepEqual((first.properties.headers as Record<string, unknown>)['x-custom'], 'kept');
    assert.deepEqual((first.properties.headers as Record<string, unknown>)['CC'], ['route.index.a', 'route.notify.b']);
    assert.equal((await client.queueStatus(queueName)).messageCount, 0);
  });

  test('a message failing every time is dead-lettered on delivery maxDeliveries: the count survives the retry queues (broker x-death)', async () => {
    const client = suite.newClient();
    const errors = errorsOf(client);
    const queueName = suite.queueFor('failures-retry-limit');
    const deadLetter = suite.deadLetterFor(queueName);
    retryQueuesOf(queueName, [50]);
    let calls = 0;
    const { outcomes, subscription } = await consuming(
      client,
      binding,
      () => {
        calls++;
        throw new Error('always fails');
      },
      { queueName, deadLetter, retryQueues: true, retryDelayMs: 50, maxDeliveries: 4, queueType: 'classic' },
    );
    await publishCompleted(suite.publisher, binding, 'poison');
    await eventually(() => outcomes.length === 4, 'four outcomes', 10_000);
    subscription.unsubscribe();
    assert.deepEqual(
      outcomes.map((o) => `${o.status}#${o.deliveryCount}`),
      ['retrying#1', 'retrying#2', 'retrying#3', 'dead-lettered#4'],
    );
    assert.equal(calls, 4);
    assert.equal(errors.filter((e) => e.name === 'DeliveryLimitError').length, 1);
    const [dead] = await messagesIn(suite, `queue/guest/${deadLetter.queue}`, 1);
    assert.equal(JSON.parse(dead!.content.toString()).status.taskId, 'poison');
  });

  test('headers a publisher forges (an origin, x-death entries for the retry queues) are ignored: delivery 1, its real exchange', async () => {
    const client = suite.newClient();
    const queueName = suite.queueFor('failures-retry-forged');
    const [retryQueue] = retryQueuesOf(queueName, [1000]);
    const seen: Array<{ exchange: string; deliveryCount: number | undefined }> = [];
    const { outcomes, subscription } = await consuming(client, binding, (m) => void seen.push({ exchange: m.exchange, deliveryCount: m.deliveryCount }), {
      queueName,
      retryQueues: true,
      retryDelayMs: 1000,
      maxDeliveries: 2,
    });
    const channel = await suite.publisher.sideChannel();
    channel.publish(binding.exchange, routingKeyFor(binding, taskFields('forged')), Buffer.from(JSON.stringify(taskCompletedBody('forged'))), {
      headers: {
        'x-tc-pulse-exchange': 'exchange/elsewhere/v1/x',
        'x-tc-pulse-routing-key': 'anything',
        'x-death': [{ queue: retryQueue, reason: 'expired', count: 7, exchange: `exchange/guest/${queueName}/retry`, 'routing-keys': ['wait.1000'] }],
      },
    });
    await eventually(() => outcomes.length === 1, 'one outcome');
    await channel.close();
    subscription.unsubscribe();
    assert.deepEqual(seen, [{ exchange: binding.exchange, deliveryCount: 1 }]);
    assert.equal(outcomes[0]!.status, 'handled');
  });

  test('concurrency 1, prefetch 1: a failing message holds up the next one for its retry delay in place, not with retryQueues (reported)', async (t) => {
    const inPlace = await measureFailureDelay(t, suite, binding, 'failures-delay-prefetch1-in-place', { prefetch: 1, retryDelayMs: 1_500, maxDeliveries: 2 }, false);
    const viaQueue = await measureFailureDelay(t, suite, binding, 'failures-delay-prefetch1-retry-queue', { prefetch: 1, retryDelayMs: 1_500, maxDeliveries: 2, retryQueues: true, queueType: 'classic' }, false, (name) => retryQueuesOf(name, [1_500]));
    assert.ok(inPlace.addedMs >= 1_400, `in place, the failing message held the only prefetch place (${inPlace.addedMs.toFixed(1)} ms)`);
    assert.ok(viaQueue.addedMs < 1_000, `with retryQueues the next message started ${viaQueue.addedMs.toFixed(1)} ms after the failure`);
  });

  test('concurrency 1, default prefetch, retryQueues: the delay a failing message adds to the next one (reported)', async (t) => {
    await measureFailureDelay(t, suite, binding, 'failures-delay-retry-queue', { retryQueues: true }, true, (name) => retryQueuesOf(name, [60_000]));
  });

  test('deleteQueue with the same retry options deletes the retry queues and exchange too', async () => {
    const client = suite.newClient();
    const queueName = suite.queueFor('failures-retry-delete');
    const retryQueues = retryQueuesOf(queueName, [100, 200]);
    const options = { retryQueues: true, retryDelayMs: (n: number) => 100 * n, maxDeliveries: 3 };
    const { subscription } = await consuming(client, binding, () => undefined, { queueName, ...options });
    subscription.unsubscribe();
    for (const queue of retryQueues) assert.equal((await client.queueStatus(queue)).messageCount, 0, `${queue} declared`);
    await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'the consumer gone');
    await client.deleteQueue(queueName, options);
    for (const queue of [`queue/guest/${queueName}`, ...retryQueues]) await assert.rejects(client.queueStatus(queue), /NOT_FOUND/, `${queue} deleted`);
    const channel = await suite.publisher.sideChannel();
    await assert.rejects(channel.checkExchange(`exchange/guest/${queueName}/retry`), /NOT_FOUND/);
  });

  test('retryQueues needs a named queue; checked before any network I/O', () => {
    const client = suite.newClient();
    assert.throws(() => client.consume(binding, () => undefined, { retryQueues: true }), { name: 'PulseConfigError', message: /retryQueues: needs a named queue/ });
    assert.throws(() => client.consume(binding, () => undefined, { queueName: 'q', retryQueues: true, maxDeliveries: 40, retryDelayMs: (n) => n }), {
      name: 'PulseConfigError',
      message: /retryDelayMs: with retryQueues gives 39 different delays .* at most 16/,
    });
    // A handover renames the queue per binding set; the retry queues return to one name.
    assert.throws(() => client.consume(binding, () => undefined, { queueName: 'q', retryQueues: true, staleBindings: 'handover' }), {
      name: 'PulseConfigError',
      message: /retryQueues: cannot be combined with staleBindings "handover"/,
    });
  });

  test('staleBindings "remove" keeps the queue\'s binding to its retry exchange: a failed message still comes back', async () => {
    const queueName = suite.queueFor('failures-retry-stale');
    retryQueuesOf(queueName, [100]);
    const options = { queueName, retryQueues: true, retryDelayMs: 100, staleBindings: 'remove', managementUrl: 'from-broker' } as const;
    // First start declares the retry route; the second start reads the bindings and removes what is not declared.
    const first = await consuming(suite.newClient(), binding, () => undefined, options);
    first.subscription.unsubscribe();
    const client = suite.newClient();
    const removed: unknown[] = [];
    client.on('unbound', (info) => removed.push(info));
    const errors = errorsOf(client);
    let calls = 0;
    const { outcomes, subscription } = await consuming(
      client,
      binding,
      () => {
        if (++calls === 1) throw new Error('fails once');
        return 'ok';
      },
      options,
    );
    await publishCompleted(suite.publisher, binding, 'stale-and-retried');
    await eventually(() => outcomes.length === 2, 'retried through the retry queue', 10_000);
    subscription.unsubscribe();
    assert.deepEqual(outcomes.map((o) => `${o.status}#${o.deliveryCount}`), ['retrying#1', 'handled#2']);
    assert.deepEqual(removed, [], 'nothing was stale');
    assert.deepEqual(errors.map((e) => e.name), []);
  });
});

describe('retryQueues on the memory broker', () => {
  const memory = useBrokerSuite(memoryTarget('retry-queues'), { exchanges: [binding.exchange], connectionPrefix: 'failures-retry-queues-memory' });
  test('refused clearly: the stream fails with a QueueSetupError naming message TTLs', async () => {
    const client = memory.newClient();
    const queueName = memory.queueFor('failures-retry-memory');
    const failure = await new Promise<Error>((resolve) => {
      client.consume(binding, () => undefined, { queueName, retryQueues: true }).subscribe({ error: resolve });
    });
    assert.equal(failure.name, 'QueueSetupError');
    assert.match(failure.message, /declaring the retry queue queue\/guest\/.*\/retry\/1000 .*does not model message TTLs/);
  });
});
