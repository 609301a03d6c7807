/**
 * Queue hygiene on Pulse, on RabbitMQ and on the memory broker
 * (test/pulse-queue-hygiene-*.test.ts): a queue deleted under its consumer
 * (as the Pulse guardian does) is reported once as a `QueueDeletedError`,
 * re-declared with its bindings, and consumed again; `expires` is declared as
 * the queue's `x-expires`, and a queue declared with another one is refused
 * with an error naming the option.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConsumerCancelledError, QueueDeletedError, QueueSetupError, type PulseClient } from '../../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { registerTappedConnector } from './channel-tap.js';
import { consumingOn, eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted } from './rabbit-fixtures.js';
import { recordingLogger } from './recording-logger.js';

export function defineQueueHygieneSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  const other = events.taskFailed();
  const suite = useBrokerSuite(target, {
    exchanges: [binding.exchange, other.exchange],
    connectionPrefix: 'queue-hygiene-test',
    clientDefaults: { reconnect: { initialDelayMs: 50, maxDelayMs: 500 } },
  });

  async function deleteFromOutside(queue: string): Promise<void> {
    // Like the Pulse guardian: a connection of its own, not the client's.
    const side = await suite.publisher.sideChannel();
    await side.deleteQueue(queue);
    await side.close();
  }

  describe(`queue hygiene on ${target.name}`, () => {
    // A named queue: an exclusive (unnamed) one can only be deleted by its own connection or an operator, and goes with the connection anyway.
    test('a named queue deleted under its consumer: one QueueDeletedError naming it, re-declared with every binding, consumed again', async (t) => {
      const { logger, entries } = recordingLogger();
      const client: PulseClient = suite.newClient({ logger });
      const errors = errorsOf(client);
      const received: string[] = [];
      const ready = consumingOn(client);
      const subscription = client.listen([binding, other], { queueName: suite.queueFor('deleted') }).subscribe((m) => received.push(m.fields.taskId));
      const { queue } = await ready;
      await publishCompleted(suite.publisher, binding, 'before');
      await eventually(() => received.includes('before'), 'a message before the deletion');

      const resumed = consumingOn(client);
      const deletedAt = Date.now();
      await deleteFromOutside(queue);
      const again = await resumed;
      const resumeMs = Date.now() - deletedAt;
      assert.equal(again.queue, queue, 'the same named queue, declared again');
      assert.equal(again.resumed, true);

      await publishCompleted(suite.publisher, binding, 'after');
      await suite.publisher.publish(other.exchange, `primary.after-other.0.wg.wi.prov.wt.sched.tg._`, {
        status: {},
        runId: 0,
        workerGroup: 'wg',
        workerId: 'wi',
        version: 1,
      });
      await eventually(() => received.includes('after'), 'a message after the queue came back');
      await eventually(() => received.length >= 3, 'the second binding was declared again too');
      subscription.unsubscribe();

      assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
      const [error] = errors;
      assert.ok(error instanceof QueueDeletedError, String(error));
      assert.ok(error instanceof ConsumerCancelledError, 'listeners of ConsumerCancelledError still hear of it');
      assert.equal(error.queue, queue);
      assert.match(error.message, new RegExp(`consumer on ${queue.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: queue deleted \\(by the Pulse guardian`));
      assert.match(error.message, /are lost/);
      assert.match(error.message, /backfill/);
      assert.deepEqual(JSON.parse(JSON.stringify(error)), { name: 'QueueDeletedError', message: error.message, queue });
      const logged = entries.filter((entry) => entry.fields.name === 'QueueDeletedError');
      assert.equal(logged.length, 1, 'logged once');
      assert.equal(logged[0]!.level, 'error', 'messages were lost: an error, not a warning');
      t.diagnostic(`${target.name}: named queue deleted under its consumer; consuming again after ${resumeMs} ms`);
    });

    test('a cancel from the broker with the queue still there is a ConsumerCancelledError, not a QueueDeletedError', async () => {
      // A broker cancels consumers for other reasons too (a queue's node going away); neither broker does it on demand,
      // so a connector hands the consumer the `null` amqplib delivers on basic.cancel. Everything else is real.
      const cancels: Array<() => void> = [];
      const scheme = `cancelling-${target.name.replace(/\W+/g, '-').toLowerCase()}:`;
      registerTappedConnector(target, scheme, (channel) => {
        const consume = channel.consume.bind(channel);
        channel.consume = (queue, onMessage, options) => {
          cancels.push(() => onMessage(null));
          return consume(queue, onMessage, options);
        };
      });
      const client = suite.newClient({ url: `${scheme}//guest:guest@localhost` });
      const errors = errorsOf(client);
      const received: string[] = [];
      const ready = consumingOn(client);
      const subscription = client.listen(binding, { queueName: suite.queueFor('cancelled') }).subscribe((m) => received.push(m.fields.taskId));
      const { queue } = await ready;
      const resumed = consumingOn(client);
      cancels.at(-1)!();
      await resumed;
      await publishCompleted(suite.publisher, binding, 'after-cancel');
      await eventually(() => received.includes('after-cancel'), 'consuming again');
      subscription.unsubscribe();
      assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
      assert.ok(errors[0] instanceof ConsumerCancelledError && !(errors[0] instanceof QueueDeletedError), String(errors[0]));
      assert.equal((errors[0] as ConsumerCancelledError).queue, queue);
    });

    test('expires is declared as x-expires; a queue declared with another expires fails naming the option', async () => {
      const queueName = suite.queueFor('expires');
      const first = suite.newClient();
      const ready = consumingOn(first);
      const subscription = first.listen(binding, { queueName, expires: 3_600_000 }).subscribe();
      await ready;
      subscription.unsubscribe();
      // The same arguments again are fine.
      const same = consumingOn(first);
      const again = first.listen(binding, { queueName, expires: 3_600_000 }).subscribe();
      await same;
      again.unsubscribe();

      const second = suite.newClient();
      const failure = await new Promise<Error>((resolve) => second.listen(binding, { queueName, expires: 7_200_000 }).subscribe({ error: resolve }));
      assert.ok(failure instanceof QueueSetupError, String(failure));
      assert.equal(failure.code, 406);
      assert.match(failure.message, /inequivalent arg 'x-expires'/);
      assert.match(failure.message, /the queue exists with a different expires \(x-expires\): delete it or use another queueName/);
    });
  });
}
