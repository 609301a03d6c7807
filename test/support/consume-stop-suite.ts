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
import { consumingStream } from './consuming.js';
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
      const started: string[] = [];
      const stream = await consumingStream(
        client,
        client.consume(
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
        ),
      );
      for (const id of ['fails-at-once', 'succeeds', 'fails-while-stopping', 'hangs', 'waits-1', 'waits-2']) await publishCompleted(suite.publisher, binding, id);
      await eventually(() => started.length === 4, 'four handlers started');
      await allDelivered(client, queueName);

      const begin = Date.now();
      stop.abort();
      await eventually(() => stream.completedAt > 0, 'the stream completed', 5_000);
      const took = stream.completedAt - begin;
      assert.ok(took < CLOSE_TIMEOUT_MS + 1_000, `draining took ${took} ms (closeTimeoutMs ${CLOSE_TIMEOUT_MS})`);
      assert.deepEqual(fates(stream.outcomes), {
        'fails-at-once': ['released:retry-pending'],
        succeeds: ['handled'],
        'fails-while-stopping': ['released:handler-failed'],
        hangs: ['released:handler-unfinished'],
        'waits-1': ['released:not-started'],
        'waits-2': ['released:not-started'],
      });
      const retryPending = stream.outcomes.find((o) => o.status === 'released' && o.reason === 'retry-pending');
      assert.match(String(retryPending?.status === 'released' && (retryPending.error as Error).message), /retried in 10 s/);
      assert.deepEqual(started.sort(), ['fails-at-once', 'fails-while-stopping', 'hangs', 'succeeds'], 'nothing started after the stop');

      // Everything not handled is back in the durable queue for the next run.
      const checker = suite.newClient();
      await eventually(async () => (await checker.queueStatus(queueName)).messageCount === 5, 'the five unhandled messages back in the queue');
      assert.equal((await checker.queueStatus(queueName)).consumerCount, 0);
    });
  });

  describe(`stopping consume() when a condition is met (until) on ${target.name}`, () => {
    test('once an outcome meets it: nothing new starts, running handlers finish, every message held gets an outcome, then the stream completes', async (t) => {
      const client = suite.newClient();
      const queueName = suite.queueFor('until');
      const started: string[] = [];
      let startedWhenMet: string[] | undefined;
      let metAt = 0;
      const stream = await consumingStream(
        client,
        client.consume(
          binding,
          async (m: Message) => {
            const id = m.fields.taskId;
            started.push(id);
            if (id === 'fails') throw new Error('fails, retried in 10 s');
            // 'stop' takes long enough for the others to be delivered meanwhile.
            await sleep(id === 'stop' ? 150 : 500);
            return id;
          },
          {
            queueName,
            concurrency: 2,
            prefetch: 10,
            retryDelayMs: 10_000,
            until: (outcome) => {
              const met = outcome.status === 'handled' && outcome.result === 'stop';
              if (met) [startedWhenMet, metAt] = [[...started], Date.now()];
              return met;
            },
          },
        ),
      );
      for (const id of ['slow', 'fails', 'stop', 'waits-1', 'waits-2']) await publishCompleted(suite.publisher, binding, id);
      await eventually(() => stream.completedAt > 0, 'the stream completed', 5_000);
      const { completedAt } = stream;

      const byTask = fates(stream.outcomes);
      assert.deepEqual(Object.keys(byTask).sort(), ['fails', 'slow', 'stop', 'waits-1', 'waits-2'], 'an outcome for every message');
      assert.deepEqual(byTask.slow, ['handled'], 'the handler running when the condition was met finished first');
      assert.deepEqual(byTask.stop, ['handled']);
      assert.deepEqual(byTask.fails, ['released:retry-pending'], 'the message waiting for its retry went back to the queue');
      for (const id of ['waits-1', 'waits-2']) assert.deepEqual(byTask[id], [started.includes(id) ? 'handled' : 'released:not-started'], id);
      // The slot 'stop' freed may start one more handler in the same tick; nothing after that.
      assert.ok(started.length <= startedWhenMet!.length + 1, `started after the condition: ${started.slice(startedWhenMet!.length).join(', ')}`);
      assert.ok(completedAt - metAt >= 400, 'the stream waited for the running handler');
      assert.ok(completedAt - metAt < CLOSE_TIMEOUT_MS + 1_000, `stopping took ${completedAt - metAt} ms`);
      t.diagnostic(`completed ${completedAt - metAt} ms after the condition was met (a handler of 500 ms running)`);
      const checker = suite.newClient();
      const unhandled = Object.values(byTask).filter((f) => f[0]!.startsWith('released')).length;
      await eventually(async () => (await checker.queueStatus(queueName)).messageCount === unhandled, `the ${unhandled} unhandled messages back in the queue`);
    });

    test('a predicate that throws stops the stream too, with an error event', async () => {
      const client = suite.newClient();
      const errors = errorsOf(client);
      const stream = await consumingStream(
        client,
        client.consume(binding, (m: Message) => m.fields.taskId, {
          until: () => {
            throw new Error('broken predicate');
          },
        }),
      );
      await publishCompleted(suite.publisher, binding, 'first');
      await eventually(() => stream.completedAt > 0, 'the stream completed', 5_000);
      assert.deepEqual(fates(stream.outcomes), { first: ['handled'] });
      assert.ok(errors.some((e) => /the until option threw: broken predicate; stopping the stream/.test(e.message)), errors.map((e) => e.message).join('; '));
    });

    test('onConsuming is called once the queue is bound, before any message; one that throws is reported and changes nothing', async () => {
      const client = suite.newClient();
      const errors = errorsOf(client);
      const calls: Array<{ queue: string; resumed: boolean }> = [];
      const handled: string[] = [];
      const clientEvent = consumingOn(client);
      const subscription = client
        .consume(binding, (m: Message) => void handled.push(m.fields.taskId), {
          onConsuming: (info) => {
            calls.push({ queue: info.queue, resumed: info.resumed });
            assert.equal(handled.length, 0);
            throw new Error('broken callback');
          },
        })
        .subscribe();
      const { queue } = await clientEvent;
      assert.deepEqual(calls, [{ queue, resumed: false }]);
      await publishCompleted(suite.publisher, binding, 'after-binding');
      await eventually(() => handled.length === 1, 'the message handled');
      assert.ok(errors.some((e) => /the onConsuming option threw: broken callback/.test(e.message)));
      subscription.unsubscribe();
    });

    test('until and onConsuming must be functions: PulseConfigError naming the option', () => {
      const client = suite.newClient();
      for (const option of ['until', 'onConsuming'] as const) {
        assert.throws(() => client.consume(binding, () => undefined, { [option]: 'yes' } as object), (error: Error) => error.name === 'PulseConfigError' && error.message.includes(option) && /must be a function/.test(error.message));
      }
      assert.equal(client.connected, false, 'no connection was made');
    });
  });

  describe(`close() on ${target.name}`, () => {
    test('hands back a message waiting out its retry delay with a released outcome, then completes the stream', async () => {
      const client = suite.newClient();
      const queueName = suite.queueFor('close');
      let failed = 0;
      const stream = await consumingStream(client, client.consume(binding, () => (failed++, Promise.reject(new Error('down'))), { queueName, retryDelayMs: 10_000 }));
      await publishCompleted(suite.publisher, binding, 'retry-pending');
      await eventually(() => failed === 1, 'the handler failed once');
      const begin = Date.now();
      await client.close();
      assert.ok(Date.now() - begin < CLOSE_TIMEOUT_MS, 'close() did not wait for the retry delay or its timeout');
      assert.ok(stream.completedAt > 0, 'the stream completed');
      assert.deepEqual(fates(stream.outcomes), { 'retry-pending': ['released:retry-pending'] });
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
