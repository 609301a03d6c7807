/**
 * Stopping consume() loses no message: a `signal` or `client.close()` drains
 * (running handlers finish, the rest goes back to the queue) with one outcome
 * for every message held; unsubscribing, which cannot emit outcomes, reports
 * each message it gives back unhandled. On RabbitMQ and on the memory broker\n * (test/pulse-consume-stop-*.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConsumeOutcome, MessageOf, MessageReleasedError, PulseClient } from '../../src/pulse/index.js';
import { errorsOf, useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { consumingOn, eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted } from './rabbit-fixtures.js';

export function defineConsumeStopSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  type Message = MessageOf<typeof binding>;
  const CLOSE_TIMEOUT_MS = 1_000;
  const suite = useBrokerSuite(target, { exchanges: [binding.exchange], connectionPrefix: 'pulse-consume-stop-test', clientDefaults: { closeTimeoutMs: CLOSE_TIMEOUT_MS } });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** What each task's messages came to, e.g. `{fail: ['released:retry-pending']}`. */
  function fates(outcomes: readonly ConsumeOutcome<Message>[]): Record<string, string[]> {
    const byTask: Record<string, string[]> = {};
    for (const o of outcomes) (byTask[o.message.fields.taskId] ??= []).push(o.status === 'released' ? `released:${o.reason}` : o.status);
    return byTask;
  }

  /** Until every published message has reached the consumer: none ready in the queue. */
  async function allDelivered(client: PulseClient, queueName: string): Promise<void> {
    await eventually(async () => (await client.queueStatus(queueName)).messageCount === 0, 'every message delivered to the consumer');
  }

  describe(`stopping consume() with its signal on ${target.name}`, () => {
    test('stops taking, lets running handlers finish, hands back the rest with an outcome for each message, then completes', async () => {
      const client = suite.newClient();
      const queueName = suite.queueFor('signal');
      const stop = new AbortController();
      const outcomes: ConsumeOutcome<Message>[] = [];
      const started: string[] = [];
      let completedAt = 0;
      const ready = consumingOn(client);
      client
        .consume(
          binding,
          async (m: Message) => {
            const id = m.fields.taskId;
            started.push(id);
            if (id === 'fails-at-once') throw new Error('fails, retried in 10 s');
            if (id === 'hangs') return new Promise(() => undefined);
            await sleep(300);
            if (id === 'fails-while-stopping') throw new Error('failed while stopping');
            return id;
          },
          { queueName, concurrency: 3, prefetch: 10, retryDelayMs: 10_000, signal: stop.signal },
        )
        .subscribe({ next: (o) => outcomes.push(o), complete: () => (completedAt = Date.now()) });
      await ready;
      for (const id of ['fails-at-once', 'succeeds', 'fails-while-stopping', 'hangs', 'waits-1', 'waits-2']) await publishCompleted(suite.publisher, binding, id);
      await eventually(() => started.length === 4, 'four handlers started');
      await allDelivered(client, queueName);

      const begin = Date.now();
      stop.abort();
      await eventually(() => completedAt > 0, 'the stream completed', 5_000);
      const took = completedAt - begin;
      assert.ok(took < CLOSE_TIMEOUT_MS + 1_000, `draining took ${took} ms (closeTimeoutMs ${CLOSE_TIMEOUT_MS})`);
      assert.deepEqual(fates(outcomes), {
        'fails-at-once': ['released:retry-pending'],
        succeeds: ['handled'],
        'fails-while-stopping': ['released:handler-failed'],
        hangs: ['released:handler-unfinished'],
        'waits-1': ['released:not-started'],
        'waits-2': ['released:not-started'],
      });
      const retryPending = outcomes.find((o) => o.status === 'released' && o.reason === 'retry-pending');
      assert.match(String(retryPending?.status === 'released' && (retryPending.error as Error).message), /retried in 10 s/);
      assert.deepEqual(started.sort(), ['fails-at-once', 'fails-while-stopping', 'hangs', 'succeeds'], 'nothing started after the stop');

      // Everything not handled is back in the durable queue for the next run.
      const checker = suite.newClient();
      await eventually(async () => (await checker.queueStatus(queueName)).messageCount === 5, 'the five unhandled messages back in the queue');
      assert.equal((await checker.queueStatus(queueName)).consumerCount, 0);
    });
  });

  describe(`close() on ${target.name}`, () => {
    test('hands back a message waiting out its retry delay with a released outcome, then completes the stream', async () => {
      const client = suite.newClient();
      const queueName = suite.queueFor('close');
      const outcomes: ConsumeOutcome<Message>[] = [];
      let completed = false;
      let failed = 0;
      const ready = consumingOn(client);
      client
        .consume(binding, () => (failed++, Promise.reject(new Error('down'))), { queueName, retryDelayMs: 10_000 })
        .subscribe({ next: (o) => outcomes.push(o), complete: () => (completed = true) });
      await ready;
      await publishCompleted(suite.publisher, binding, 'retry-pending');
      await eventually(() => failed === 1, 'the handler failed once');
      const begin = Date.now();
      await client.close();
      assert.ok(Date.now() - begin < CLOSE_TIMEOUT_MS, 'close() did not wait for the retry delay or its timeout');
      assert.equal(completed, true);
      assert.deepEqual(fates(outcomes), { 'retry-pending': ['released:retry-pending'] });
      const checker = suite.newClient();
      await eventually(async () => (await checker.queueStatus(queueName)).messageCount === 1, 'the message back in the queue');
    });
  });

  describe(`unsubscribing on ${target.name}`, () => {
    for (const ephemeral of [true, false]) {
      test(`${ephemeral ? 'an ephemeral' : 'a durable'} queue: a message waiting for its retry is nacked and reported (MessageReleasedError, lost: ${ephemeral})`, async () => {
        const client = suite.newClient();
        const errors = errorsOf(client);
        const queueName = ephemeral ? undefined : suite.queueFor('unsubscribe');
        let failed = 0;
        const ready = consumingOn(client);
        const subscription = client
          .consume(binding, () => (failed++, Promise.reject(new Error('down'))), { ...(queueName ? { queueName } : {}), retryDelayMs: 10_000 })
          .subscribe();
        const { queue } = await ready;
        await publishCompleted(suite.publisher, binding, 'retry-pending');
        await eventually(() => failed === 1, 'the handler failed once');
        subscription.unsubscribe();
        await eventually(() => errors.some((e) => e.name === 'MessageReleasedError'), 'the released message reported', 3_000);
        const released = errors.find((e): e is MessageReleasedError => e.name === 'MessageReleasedError')!;
        assert.equal(released.reason, 'retry-pending');
        assert.equal(released.lost, ephemeral);
        assert.equal(released.delivery.queue, queue);
        assert.match(released.message, ephemeral ? /ephemeral and deleted at stop: the message is lost/ : /requeued to queue\//);
        assert.match(String((released.cause as Error).message), /down/);
        if (queueName) await eventually(async () => (await client.queueStatus(queueName)).messageCount === 1, 'the message back in the durable queue');
      });
    }
  });
}
