/**
 * consume()'s delivery limit counts what the broker guarantees, never the
 * `x-delivery-count` header a publisher sets: forged values on both queue
 * types, on RabbitMQ and on the memory broker\n * (test/pulse-consume-delivery-count-*.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeliveryLimitError } from '../../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { consuming } from './consuming.js';
import { eventually } from './rabbit.js';
import { privateQueueEvents, routingKeyFor, taskCompletedBody, taskFields } from './rabbit-fixtures.js';

export function defineDeliveryCountSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  const suite = useBrokerSuite(target, { exchanges: [binding.exchange], connectionPrefix: 'pulse-consume-count-test' });

  /** Publishes a task-completed message carrying a forged `x-delivery-count`. */
  async function publishForged(taskId: string, forged: unknown): Promise<void> {
    const channel = await suite.publisher.sideChannel();
    try {
      channel.publish(binding.exchange, routingKeyFor(binding, taskFields(taskId)), Buffer.from(JSON.stringify(taskCompletedBody(taskId))), {
        persistent: true,
        contentType: 'application/json',
        headers: { 'x-delivery-count': forged },
      });
    } finally {
      await channel.close();
    }
  }

  const MAX_DELIVERIES = 3;

  for (const queueType of ['quorum', 'classic'] as const) {
    describe(`forged x-delivery-count on a ${queueType} queue on ${target.name}`, () => {
      for (const forged of [1000, -1000, '5', 2.5]) {
        test(`${JSON.stringify(forged)}: the handler gets exactly maxDeliveries attempts, counted 1, 2, 3, then the message is given up`, async () => {
          const client = suite.newClient();
          const errors = errorsOf(client);
          const queueName = suite.queueFor(`forged-${queueType}`);
          const seen: number[] = [];
          const { outcomes, subscription } = await consuming(
            client,
            binding,
            (message) => {
              seen.push(message.deliveryCount ?? 0);
              throw new Error('always failing');
            },
            { queueName, queueType, maxDeliveries: MAX_DELIVERIES, retryDelayMs: 0 },
          );
          const summary = () => outcomes.map((o) => `${o.status}:${o.deliveryCount}`);
          await publishForged('forged', forged);
          try {
            await eventually(() => summary().some((o) => o.startsWith('dropped')), 'the message given up', 5_000);
          } finally {
            subscription.unsubscribe();
          }
          assert.deepEqual(summary(), ['retrying:1', 'retrying:2', `dropped:${MAX_DELIVERIES}`]);
          assert.equal(seen.length, MAX_DELIVERIES, 'exactly maxDeliveries handler calls');
          // The first delivery is 1 whatever the header says; classic queues leave later counts to the client.
          assert.equal(seen[0], 1);
          if (queueType === 'quorum') assert.deepEqual(seen, [1, 2, 3], "the broker's own count on redeliveries");
          else assert.deepEqual(seen.slice(1), [0, 0], 'no count from a header on a classic queue');
          assert.ok(errors.some((e) => e instanceof DeliveryLimitError && e.deliveryCount === MAX_DELIVERIES));
        });
      }
    });
  }
}
