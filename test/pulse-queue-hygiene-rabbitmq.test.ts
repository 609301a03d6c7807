/**
 * Queue hygiene on the real RabbitMQ, and what only a real broker does: a
 * queue with `expires` deleted by the broker once it has had no consumer for
 * that long (the memory broker accepts `x-expires` but does not expire queues).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rabbitTarget } from './support/broker-target.js';
import { useBrokerSuite } from './support/broker-suite.js';
import { defineQueueHygieneSuite } from './support/queue-hygiene-suite.js';
import { consumingOn, eventually, rabbitmqctl } from './support/rabbit.js';
import { privateQueueEvents } from './support/rabbit-fixtures.js';

defineQueueHygieneSuite(rabbitTarget);

const binding = privateQueueEvents().taskCompleted();
const suite = useBrokerSuite(rabbitTarget, { exchanges: [binding.exchange], connectionPrefix: 'queue-expires-test' });

test('RabbitMQ deletes a queue with expires once it has had no consumer for that long', async (t) => {
  const queueName = suite.queueFor('expiring');
  const client = suite.newClient();
  const ready = consumingOn(client);
  const subscription = client.listen(binding, { queueName, queueType: 'classic', expires: 1_500 }).subscribe();
  await ready;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  assert.ok(await exists(queueName), 'a consumed queue does not expire');
  subscription.unsubscribe();
  const idleSince = Date.now();
  await eventually(async () => !(await exists(queueName)), 'the idle queue expired', 15_000);
  t.diagnostic(`expires 1500 ms: the idle queue was gone after ${Date.now() - idleSince} ms`);

  // Asked of rabbitmqctl: a passive declare (queueStatus) counts as using the queue and renews its lease.
  async function exists(name: string): Promise<boolean> {
    const names = await rabbitmqctl('list_queues', '-q', '--no-table-headers', 'name');
    return names.split('\n').some((line) => line.trim() === `queue/guest/${name}`);
  }
});
