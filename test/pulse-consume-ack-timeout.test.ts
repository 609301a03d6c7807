/**
 * A handler that outlives the broker's consumer acknowledgement timeout
 * (`consumer_timeout`, 30 min by default), on a RabbitMQ node of the test's
 * own with the timeout set to 3 s: what happens today, measured. RabbitMQ
 * 3.10 closes the channel with PRECONDITION_FAILED (406); `consume()` reports
 * a ChannelClosedError, resumes on a new channel, and the broker redelivers
 * the message (every message the channel held) while the first run is still
 * going. Not yet fixed: see docs/listening.md, "Handlers longer than the
 * broker's acknowledgement timeout".
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PulseClient } from '../src/pulse/index.js';
import { errorsOf } from './support/broker-suite.js';
import { consuming } from './support/consuming.js';
import { type OwnBroker, startOwnBroker } from './support/own-broker.js';
import { eventually, TestPublisher } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';

const CONSUMER_TIMEOUT_MS = 3_000;
let broker: OwnBroker | undefined;
before(async () => {
  broker = await startOwnBroker();
  // Channels read it when they open.
  await broker.ctl('eval', `application:set_env(rabbit, consumer_timeout, ${CONSUMER_TIMEOUT_MS}).`);
});
after(async () => broker?.stop());

test('a handler running past consumer_timeout loses its channel: ChannelClosedError 406, the message delivered again while the first run goes on (reported)', { timeout: 240_000 }, async (t) => {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  const publisher = await TestPublisher.open(broker!.url);
  await publisher.exchange(binding.exchange);
  const client = new PulseClient({ url: broker!.url, connectionName: 'failures-ack-timeout', closeTimeoutMs: 1_000 });
  const errors = errorsOf(client);
  const deliveries: number[] = [];
  let release: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (release = resolve));
  try {
    const { subscription } = await consuming(
      client,
      binding,
      async () => {
        deliveries.push(performance.now());
        await running;
      },
      { queueName: 'failures-long-handler', handlerTimeoutMs: Infinity, retryDelayMs: 0 },
    );
    await publishCompleted(publisher, binding, 'long');
    await eventually(() => deliveries.length >= 2, 'the message delivered again', 180_000);
    const closed = errors.find((e) => e.name === 'ChannelClosedError') as (Error & { code?: number }) | undefined;
    assert.equal(closed?.code, 406);
    assert.match(closed!.message, /delivery acknowledgement/i);
    t.diagnostic(`consumer_timeout ${CONSUMER_TIMEOUT_MS} ms: delivered again ${Math.round(deliveries[1]! - deliveries[0]!)} ms after the first delivery (RabbitMQ checks the timeout periodically)`);
    release();
    subscription.unsubscribe();
  } finally {
    release();
    await client.close();
    await publisher.close();
  }
});
