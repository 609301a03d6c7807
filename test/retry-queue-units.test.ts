/**
 * RetryRoute without a broker: names within Pulse's rules, which deliveries
 * count as back from a retry queue, and which x-death entries count as retries.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AmqpMessage } from '../src/pulse/amqp-api.js';
import { ReceivedMessage, type DeliveryChannel } from '../src/pulse/pulse-message.js';
import { RetryPublisher, RetryRoute } from '../src/pulse/retry-queue.js';
import type { AmqpConfirmChannel } from '../src/pulse/amqp-api.js';

const route = new RetryRoute('queue/bot/tasks', [1000, 2000, 2000]);

function delivery(exchange: string, routingKey: string, headers: Record<string, unknown>): AmqpMessage {
  return { content: Buffer.from('{}'), fields: { deliveryTag: 7, redelivered: false, exchange, routingKey }, properties: { headers, messageId: 'm' } };
}
const origin = { 'x-tc-pulse-exchange': 'exchange/taskcluster-queue/v1/task-completed', 'x-tc-pulse-routing-key': 'primary.abc', 'x-tc-pulse-cc': ['route.index.x'], 'x-custom': 1 };
const death = (queue: string, count: number, reason = 'expired') => ({ queue, count, reason, exchange: route.exchange, 'routing-keys': ['wait.1000'] });

describe('RetryRoute', () => {
  test('names: exchange/<ns>/<name>/retry and queue/<ns>/<name>/retry/<delay>, one queue per distinct delay; the last delay for later deliveries', () => {
    assert.equal(route.exchange, 'exchange/bot/tasks/retry');
    assert.deepEqual(route.levels, [1000, 2000]);
    assert.equal(route.queueFor(2000), 'queue/bot/tasks/retry/2000');
    assert.deepEqual([1, 2, 3, 9].map((n) => route.delayAfter(n)), [1000, 2000, 2000, 2000]);
    assert.throws(() => new RetryRoute(`queue/bot/${'q'.repeat(240)}`, [1000]), { name: 'PulseConfigError', message: /retryQueues: .*longer than 255 bytes/ });
  });

  test('restores a delivery the retry exchange routed back: origin, CC, other headers kept, ours and the broker\'s removed, same delivery tag', () => {
    const restored = route.restore(delivery(route.exchange, 'due', { ...origin, 'x-death': [death('queue/bot/tasks/retry/1000', 2), death('queue/bot/tasks/retry/2000', 1)], 'x-first-death-queue': 'q' }));
    assert.ok(restored);
    assert.equal(restored.retries, 3);
    assert.deepEqual(restored.raw.fields, { deliveryTag: 7, redelivered: false, exchange: origin['x-tc-pulse-exchange'], routingKey: 'primary.abc' });
    assert.deepEqual(restored.raw.properties, { headers: { 'x-custom': 1, CC: ['route.index.x'] }, messageId: 'm' });
  });

  test('ignores the origin headers of any other delivery (forged on a Taskcluster exchange, or another routing key)', () => {
    assert.equal(route.restore(delivery('exchange/taskcluster-queue/v1/task-completed', 'primary.abc', origin)), undefined);
    assert.equal(route.restore(delivery(route.exchange, 'wait.1000', origin)), undefined);
    assert.equal(route.restore(delivery(route.exchange, 'due', { 'x-custom': 1 })), undefined);
  });

  test('counts only expired entries of its own retry queues, with sane counts', () => {
    const retries = (deaths: unknown) => route.restore(delivery(route.exchange, 'due', { ...origin, 'x-death': deaths }))!.retries;
    assert.equal(retries([death('queue/bot/other/retry/1000', 5)]), 0, 'another queue');
    assert.equal(retries([death('queue/bot/tasks', 5, 'rejected')]), 0, 'rejected from the main queue');
    assert.equal(retries([death('queue/bot/tasks/retry/1000', -3), death('queue/bot/tasks/retry/2000', 1.5)]), 0, 'nonsense counts');
    assert.equal(retries('not a list'), 0);
    assert.equal(retries([death('queue/bot/tasks/retry/1000', 4)]), 4);
  });

  test('a copy never carries headers from the message as published that the broker would write (x-death), nor CC; a restored one carries the broker\'s x-death on', () => {
    const channel = { alive: true, ended: new Promise(() => undefined), brokerCountsDeliveries: false, settle: () => 'sent' as const } satisfies DeliveryChannel;
    const received = (raw: AmqpMessage) => new ReceivedMessage(raw, { exchange: raw.fields.exchange } as never, {}, [], {}, 'queue/bot/tasks', 1, channel);
    const published = delivery('exchange/taskcluster-queue/v1/task-completed', 'primary.abc', { CC: ['route.index.x'], 'x-death': [death('queue/bot/tasks/retry/1000', 99)], 'x-tc-pulse-exchange': 'forged', 'x-custom': 1 });
    const plain = route.copyOf(received(published)).options as { headers: Record<string, unknown>; messageId: string };
    assert.deepEqual(Object.keys(plain.headers).sort(), ['x-custom', 'x-tc-pulse-cc', 'x-tc-pulse-exchange', 'x-tc-pulse-retry-id', 'x-tc-pulse-routing-key']);
    assert.equal(plain.headers['x-tc-pulse-exchange'], 'exchange/taskcluster-queue/v1/task-completed');
    assert.deepEqual(plain.headers['x-tc-pulse-cc'], ['route.index.x']);
    assert.equal(plain.messageId, 'm');

    const deaths = [death('queue/bot/tasks/retry/1000', 2)];
    const restored = route.restore(delivery(route.exchange, 'due', { ...origin, 'x-death': deaths }))!;
    const again = route.copyOf(received(restored.raw)).options as { headers: Record<string, unknown> };
    assert.deepEqual(again.headers['x-death'], deaths);
    assert.equal(again.headers['x-tc-pulse-exchange'], origin['x-tc-pulse-exchange']);
  });
});

describe('RetryPublisher', () => {
  test('close() on a channel that refuses at once (already closed, throwing or rejecting) neither throws nor leaves an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const refusing = (close: () => Promise<void>) => ({ on: () => undefined, close }) as unknown as AmqpConfirmChannel;
      const throwsAtOnce = refusing(() => {
        throw new Error('Channel closed');
      });
      const rejects = refusing(() => Promise.reject(new Error('Channel closed')));
      assert.doesNotThrow(() => new RetryPublisher(throwsAtOnce, route).close());
      assert.doesNotThrow(() => new RetryPublisher(rejects, route).close());
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
