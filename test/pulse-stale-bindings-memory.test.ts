/**
 * Stale bindings on the embedded memory broker: the `handover` path needs
 * only AMQP, so it works there as on RabbitMQ; `remove` with `from-broker`
 * is refused clearly (memory:// has no management API).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bindingSetHash } from '../src/pulse/stale-bindings/binding-set.js';
import { memoryTarget } from './support/broker-target.js';
import { useBrokerSuite } from './support/broker-suite.js';
import { eventually } from './support/rabbit.js';
import { privateQueueEvents } from './support/rabbit-fixtures.js';
import { assertNoStaleDelivery, runStaleBindingsScenario } from './support/stale-bindings-scenario.js';

const events = privateQueueEvents();
const [A, B, C] = [events.taskCompleted(), events.taskFailed(), events.taskException()];
const suite = useBrokerSuite(memoryTarget('stale-bindings'), { exchanges: [A.exchange, B.exchange, C.exchange], connectionPrefix: 'stale-bindings-memory' });

describe('stale bindings on the memory broker', () => {
  test('handover: the old queue is drained and deleted, 0 of the B messages lost, later A messages not received', async () => {
    const queueName = suite.queueFor('stale-handover');
    const base = `queue/guest/${queueName}`;
    const run = await runStaleBindingsScenario(suite, events, queueName, { staleBindings: 'handover' }, { staleBindings: 'handover' }, (r) =>
      r.events.handover.some((e) => (e as { state: string }).state === 'deleted'),
    );
    assertNoStaleDelivery(run);
    assert.equal(run.queue, `${base}/${bindingSetHash([B, C])}`);
    const oldQueue = `${base}/${bindingSetHash([A, B])}`;
    assert.deepEqual(run.events.handover.at(-1), { from: oldQueue, to: run.queue, state: 'deleted' });
    const connection = await suite.target.connect();
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await assert.rejects(channel.checkQueue(oldQueue), /404|NOT_FOUND/);
    } finally {
      await connection.close();
    }
  });

  test('remove with managementUrl "from-broker": a clear error naming the way out, the stream goes on', async () => {
    const client = suite.newClient();
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const subscription = client.listen([B], { queueName: suite.queueFor('stale-remove'), staleBindings: 'remove', managementUrl: 'from-broker' }).subscribe();
    await eventually(() => errors.length > 0, 'an error event');
    assert.equal(errors[0]!.name, 'StaleBindingsError');
    assert.match(errors[0]!.message, /a memory:\/\/ broker has no management API to derive; give managementUrl or bindingsUrl, or use staleBindings "handover"/);
    assert.equal(client.connected, true);
    subscription.unsubscribe();
  });
});
