/**
 * PulsePublisher against the embedded broker: the same scenarios as against
 * RabbitMQ, plus what only the memory broker can stage (a lost connection).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { QueueEvents, slugid } from '../src/index.js';
import { connectMemoryBroker, getMemoryBroker, PulsePublisher } from '../src/testing/index.js';
import { completedFields, completedPayload, definePublisherSuite } from './support/conformance-publisher.js';

definePublisherSuite({ name: 'the memory broker', url: 'memory://publisher', burst: 500, connect: () => connectMemoryBroker('memory://publisher') });

test('after a lost connection, the next publish connects again', async () => {
  const url = `memory://publisher-${randomBytes(4).toString('hex')}`;
  const publisher = new PulsePublisher({ url });
  const publish = () => {
    const taskId = slugid();
    return publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId) });
  };
  await publish();
  const broker = getMemoryBroker(url);
  assert.equal(broker.connectionCount, 1);
  assert.equal(broker.simulateConnectionLoss(), 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(broker.connectionCount, 0);
  await publish();
  assert.equal(broker.connectionCount, 1);
  await publisher.close();
  assert.equal(broker.connectionCount, 0);
});
