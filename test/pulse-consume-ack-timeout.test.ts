/**
 * Handlers that outlive the broker's consumer acknowledgement timeout
 * (`consumer_timeout`, 30 min by default), on a RabbitMQ node of the test's
 * own with the timeout set to 3 s and `consumerTimeoutMs: 3000`: the message
 * is moved to a holding queue before the timeout, so the channel survives and
 * the message is handled once (before holding, RabbitMQ 3.10 closed the
 * channel with 406 PRECONDITION_FAILED and redelivered the message ~60 s after
 * its first delivery, while the first run went on). A process that dies
 * mid-run gets the message back from the holding queue at its TTL.
 *
 * Opt-in (`TC_PULSE_SLOW_TESTS=1`): it waits past RabbitMQ's once-a-minute
 * timeout check, over two minutes in all; `.ci/run` runs it as its own step.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { PulseClient } from '../src/pulse/index.js';
import { errorsOf } from './support/broker-suite.js';
import { consuming } from './support/consuming.js';
import { type OwnBroker, startOwnBroker } from './support/own-broker.js';
import { eventually, TestPublisher, uniqueName } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const enabled = process.env.TC_PULSE_SLOW_TESTS === '1';

describe('handlers longer than the broker\'s consumer_timeout', { skip: enabled ? false : 'waits past RabbitMQ\'s once-a-minute timeout check (minutes): set TC_PULSE_SLOW_TESTS=1' }, () => {
  const CONSUMER_TIMEOUT_MS = 3_000;
  let broker: OwnBroker | undefined;
  before(async () => {
    broker = await startOwnBroker();
    // Channels read it when they open.
    await broker.ctl('eval', `application:set_env(rabbit, consumer_timeout, ${CONSUMER_TIMEOUT_MS}).`);
  });
  after(async () => broker?.stop());

  /** The node's holding queues (of queues whose name has `of`), with their message counts; an earlier test's may still wait for its x-expires. */
  async function holdingQueues(of = ''): Promise<Array<{ readonly name: string; readonly messages: number }>> {
    const listed = await broker!.ctl('list_queues', '--silent', '--no-table-headers', 'name', 'messages');
    return listed
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([name]) => name?.includes('/held/') && name.includes(of))
      .map(([name, messages]) => ({ name: name!, messages: Number(messages) }));
  }

  /** Resolves once a copy is in a holding queue and (a moment later) its delivery acked: the broker confirms the copy, then the client acks. */
  async function copyHeld(): Promise<void> {
    await eventually(async () => (await holdingQueues()).some((queue) => queue.messages === 1), 'the message in a holding queue', 20_000);
    await sleep(500);
  }

  test('a handler running 70 s past consumer_timeout 3 s keeps its channel: its message held, handled once, never redelivered; the holding queue gone afterwards', { timeout: 240_000 }, async (t) => {
    const HANDLER_MS = 70_000;
    const events = privateQueueEvents();
    const binding = events.taskCompleted();
    const publisher = await TestPublisher.open(broker!.url);
    await publisher.exchange(binding.exchange);
    const client = new PulseClient({ url: broker!.url, connectionName: 'long-handler', closeTimeoutMs: 1_000 });
    const errors = errorsOf(client);
    const deliveries: number[] = [];
    let handlerEnded = 0;
    try {
      const build = async () => {
        deliveries.push(performance.now());
        await sleep(HANDLER_MS);
        handlerEnded = performance.now();
        return 'done';
      };
      const { outcomes, subscription } = await consuming(client, binding, build, {
        queueName: uniqueName('long-handler'),
        retryQueues: true,
        handlerTimeoutMs: 120_000, // past the broker's consumer_timeout
        consumerTimeoutMs: CONSUMER_TIMEOUT_MS, // the broker's consumer_timeout; default 1_800_000 (30 min)
      });
      await publishCompleted(publisher, binding, 'long');
      // Past the hold point (2.7 s) and the broker's timeout (3 s): where the message is now.
      await eventually(() => deliveries.length > 0, 'the first delivery', 10_000);
      await sleep(5_000);
      const heldMidRun = await holdingQueues();
      await eventually(() => outcomes.length > 0, 'the outcome', HANDLER_MS + 30_000);
      const outcomeAfterMs = Math.round(performance.now() - handlerEnded);
      const closed = errors.filter((e) => e.name === 'ChannelClosedError');
      t.diagnostic(`deliveries ${deliveries.length}; channel errors: ${closed.map((e) => e.message).join('; ') || 'none'}`);
      assert.equal(deliveries.length, 1, 'delivered once');
      assert.deepEqual(closed, [], 'the channel was never closed');
      const [outcome] = outcomes;
      assert.equal(outcome?.status, 'handled');
      assert.equal(outcome.settledBy, 'consumer');
      assert.equal(outcome.ack, 'sent');
      assert.match(outcome.holdingQueue ?? '', /^queue\/guest\/long-handler-[^/]+\/held\/[0-9a-f-]{36}$/);
      assert.deepEqual(heldMidRun, [{ name: outcome.holdingQueue, messages: 1 }], 'mid-run, the copy is in its holding queue');
      assert.deepEqual(await holdingQueues(), [], 'the holding queue is deleted');
      t.diagnostic(`consumer_timeout ${CONSUMER_TIMEOUT_MS} ms: handler ran ${Math.round(handlerEnded - deliveries[0]!)} ms; outcome (holding queue deleted) ${outcomeAfterMs} ms after it ended (seen by polling); 1 delivery, 0 channel errors`);
      subscription.unsubscribe();
      assert.equal(deliveries.length, 1);
    } finally {
      await client.close();
      await publisher.close();
    }
  });

  test('a process that dies mid-run leaves its message in the holding queue: it comes back at the TTL as the next delivery, and the holding queue expires (at-least-once)', { timeout: 120_000 }, async (t) => {
    const events = privateQueueEvents();
    const binding = events.taskCompleted();
    const queueName = uniqueName('long-handler-dies');
    // Held at 2.7 s, with a TTL of what is left of handlerTimeoutMs plus the margin: 12 s - 2.7 s + 0.3 s = 9.6 s
    // (12 s: seeing the holding queue through rabbitmqctl takes seconds on a busy machine; the cut-off comes first).
    const options = { queueName, retryQueues: true, consumerTimeoutMs: CONSUMER_TIMEOUT_MS, handlerTimeoutMs: 12_000, retryDelayMs: 1_000 } as const;
    const publisher = await TestPublisher.open(broker!.url);
    await publisher.exchange(binding.exchange);
    const proxy = await startTcpProxy('forward', broker!.url);
    const dying = new PulseClient({ url: proxy.url, connectionName: 'long-handler-dies', closeTimeoutMs: 1_000 });
    const survivor = new PulseClient({ url: broker!.url, connectionName: 'long-handler-takes-over', closeTimeoutMs: 1_000 });
    const dyingErrors = errorsOf(dying);
    let firstDelivery = 0;
    try {
      const { outcomes: dyingOutcomes } = await consuming(dying, binding, () => ((firstDelivery = performance.now()), new Promise<never>(() => undefined)), options);
      await publishCompleted(publisher, binding, 'dies');
      await copyHeld();
      // The process "dies": its connection is cut and it can never reconnect; its handler never finishes.
      await proxy.close();
      const { outcomes } = await consuming(survivor, binding, () => 'taken over', options);
      await eventually(() => outcomes.length > 0, 'the message back from the holding queue', 40_000);
      const backAfterMs = Math.round(performance.now() - firstDelivery);
      const [outcome] = outcomes;
      assert.equal(outcome?.status, 'handled');
      assert.equal(outcome.deliveryCount, 2, 'the held run counts as a failed delivery');
      assert.ok(backAfterMs >= 12_000, `back after the TTL, not before (${backAfterMs} ms)`);
      // The cut-off run timed out meanwhile (12 s): nothing it could do, its copy was left to the TTL.
      await eventually(() => dyingOutcomes.length > 0, 'the cut-off run timed out', 10_000);
      const [left] = dyingOutcomes;
      assert.equal(left?.status, 'retrying');
      assert.match(left.holdingQueue ?? '', /\/held\//);
      assert.equal(left.status === 'retrying' ? left.retryQueue : 'n/a', undefined, 'not in a retry queue: left in its holding queue');
      assert.ok(dyingErrors.some((e) => e.name === 'HandlerTimeoutError'));
      assert.ok(dyingErrors.some((e) => e.name === 'RetryQueueError'));
      await eventually(async () => (await holdingQueues(queueName)).length === 0, 'the holding queue expired', 40_000);
      t.diagnostic(`back ${backAfterMs} ms after the first delivery (held at ~2.7 s, TTL 9.6 s); the holding queue expired ${Math.round(performance.now() - firstDelivery)} ms after it (x-expires 19.2 s, seen by polling)`);
    } finally {
      await dying.close();
      await survivor.close();
      await publisher.close();
      await proxy.close().catch(() => undefined);
    }
  });

  test('a held run that fails: its copy goes to its retry queue, the holding queue is deleted, the next delivery handles it', { timeout: 60_000 }, async () => {
    const events = privateQueueEvents();
    const binding = events.taskCompleted();
    const publisher = await TestPublisher.open(broker!.url);
    await publisher.exchange(binding.exchange);
    const client = new PulseClient({ url: broker!.url, connectionName: 'long-handler-fails', closeTimeoutMs: 1_000 });
    const queueName = uniqueName('long-handler-fails');
    const errors = errorsOf(client);
    try {
      const { outcomes } = await consuming(
        client,
        binding,
        async (message) => {
          if (message.deliveryCount !== 1) return 'second time lucky';
          await sleep(4_000); // past the hold point (2.7 s)
          throw new Error('failed after 4 s');
        },
        { queueName, retryQueues: true, consumerTimeoutMs: CONSUMER_TIMEOUT_MS, handlerTimeoutMs: 10_000, retryDelayMs: 500 },
      );
      await publishCompleted(publisher, binding, 'fails');
      await eventually(() => outcomes.length >= 2, 'the retry handled', 20_000);
      const [failed, handled] = outcomes;
      assert.equal(failed?.status, 'retrying');
      assert.match(failed.holdingQueue ?? '', /\/held\//);
      assert.match(failed.status === 'retrying' ? (failed.retryQueue ?? '') : '', /\/retry\/500$/);
      assert.equal(handled?.status, 'handled');
      assert.equal(handled.deliveryCount, 2);
      assert.equal(handled.holdingQueue, undefined);
      assert.deepEqual(await holdingQueues(queueName), []);
      assert.deepEqual(errors.filter((e) => e.name === 'ChannelClosedError' || e.name === 'HoldingQueueError'), []);
    } finally {
      await client.close();
      await publisher.close();
    }
  });

  test('the stream stopping while a held run goes on: released with its holding queue, the copy left to come back at its TTL', { timeout: 90_000 }, async (t) => {
    const events = privateQueueEvents();
    const binding = events.taskCompleted();
    const queueName = uniqueName('long-handler-stops');
    // 12 s: the stop comes before the run would time out (seeing the holding queue takes seconds on a busy machine).
    const options = { queueName, retryQueues: true, consumerTimeoutMs: CONSUMER_TIMEOUT_MS, handlerTimeoutMs: 12_000, retryDelayMs: 1_000 } as const;
    const publisher = await TestPublisher.open(broker!.url);
    await publisher.exchange(binding.exchange);
    const client = new PulseClient({ url: broker!.url, connectionName: 'long-handler-stops', closeTimeoutMs: 1_000 });
    const errors = errorsOf(client);
    try {
      const stop = new AbortController();
      const first = await consuming(client, binding, () => new Promise<never>(() => undefined), { ...options, signal: stop.signal });
      await publishCompleted(publisher, binding, 'stops');
      await copyHeld();
      const stoppedAt = performance.now();
      stop.abort();
      await eventually(() => first.outcomes.length > 0, 'the released outcome', 15_000);
      let again: Awaited<ReturnType<typeof consuming>> | undefined;
      // What happened, should an assertion fail.
      const seen = () => JSON.stringify({ outcomes: [...first.outcomes, ...(again?.outcomes ?? [])].map((o) => [o.status, o.deliveryCount, o.holdingQueue]), errors: errors.map((e) => e.message) });
      const [released] = first.outcomes;
      assert.equal(released?.status, 'released', seen());
      assert.equal(released.status === 'released' ? released.requeue : undefined, 'already-settled');
      assert.equal(released.status === 'released' ? released.reason : undefined, 'handler-unfinished');
      assert.match(released.holdingQueue ?? '', /\/held\//, seen());
      again = await consuming(client, binding, () => 'handled later', options);
      await eventually(() => again!.outcomes.length > 0, 'the copy back from its holding queue', 30_000);
      assert.equal(again.outcomes[0]?.status, 'handled', seen());
      assert.equal(again.outcomes[0].deliveryCount, 2, seen());
      t.diagnostic(`back ${Math.round(performance.now() - stoppedAt)} ms after the stop (TTL 9.6 s from the hold)`);
      assert.deepEqual(errors.filter((e) => e.name === 'ChannelClosedError' || e.name === 'HoldingQueueError'), [], seen());
    } finally {
      await client.close();
      await publisher.close();
    }
  });

  test('a held run failing on its last delivery: its copy dead-lettered, the holding queue deleted', { timeout: 60_000 }, async () => {
    const events = privateQueueEvents();
    const binding = events.taskCompleted();
    const deadLetterQueue = uniqueName('long-handler-dead');
    const queueName = uniqueName('long-handler-gives-up');
    const publisher = await TestPublisher.open(broker!.url);
    await publisher.exchange(binding.exchange);
    const client = new PulseClient({ url: broker!.url, connectionName: 'long-handler-gives-up', closeTimeoutMs: 1_000 });
    const errors = errorsOf(client);
    try {
      const { outcomes } = await consuming(
        client,
        binding,
        async () => {
          await sleep(4_000); // past the hold point (2.7 s)
          throw new Error('failed after 4 s');
        },
        {
          queueName,
          retryQueues: true,
          maxDeliveries: 1,
          deadLetter: { exchange: uniqueName('long-handler-dlx'), queue: deadLetterQueue },
          consumerTimeoutMs: CONSUMER_TIMEOUT_MS,
          handlerTimeoutMs: 10_000,
        },
      );
      await publishCompleted(publisher, binding, 'gives-up');
      await eventually(() => outcomes.length > 0, 'the outcome', 20_000);
      const [outcome] = outcomes;
      assert.equal(outcome?.status, 'dead-lettered');
      assert.equal(outcome.settledBy === 'consumer' && outcome.status === 'dead-lettered' ? outcome.reason : undefined, 'delivery-limit');
      assert.match(outcome.holdingQueue ?? '', /\/held\//);
      assert.deepEqual(await holdingQueues(queueName), []);
      const listed = await broker!.ctl('list_queues', '--silent', '--no-table-headers', 'name', 'messages');
      assert.match(listed, new RegExp(`queue/guest/${deadLetterQueue}\\s+1`), 'the copy is in the dead-letter queue');
      assert.ok(errors.some((e) => e.name === 'DeliveryLimitError'));
    } finally {
      await client.close();
      await publisher.close();
    }
  });
});
