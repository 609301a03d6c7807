/**
 * Failures that mean what they say: a permanent failure is dead-lettered on
 * its first delivery, a transient one is retried without holding up the
 * messages behind it. On RabbitMQ and on the memory broker
 * (test/pulse-consume-failures-*.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { PermanentError, type ConsumeOptions, type GivenUpOutcome, type PulseMessage } from '../../src/pulse/index.js';
import type { AmqpMessage } from '../../src/pulse/amqp-api.js';
import { errorsOf, useBrokerSuite, type BrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { CallsByTask } from './calls-by-task.js';
import { consuming } from './consuming.js';
import { consumingOn, eventually } from './rabbit.js';
import { privateQueueEvents, publishCompleted } from './rabbit-fixtures.js';

export function defineConsumeFailuresSuite(target: BrokerTarget): void {
  const events = privateQueueEvents();
  const binding = events.taskCompleted();
  const suite = useBrokerSuite(target, { exchanges: [binding.exchange], connectionPrefix: 'failures-test', clientDefaults: { closeTimeoutMs: 5_000 } });

  describe(`permanent failures are dead-lettered at once on ${target.name}`, () => {
    test('a PermanentError is dead-lettered on delivery 1 (never retried), with a PermanentFailureError event; a plain error is retried', async () => {
      const client = suite.newClient();
      const errors = errorsOf(client);
      const queueName = suite.queueFor('failures-permanent');
      const deadLetter = suite.deadLetterFor(queueName);
      const calls = new CallsByTask();
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        (m) => {
          const id = m.fields.taskId;
          const call = calls.count(id);
          if (id === 'permanent') throw new PermanentError('task definition is invalid', { cause: new Error('missing field') });
          if (call === 1) throw new Error('transient');
          return id;
        },
        { queueName, deadLetter, retryDelayMs: 0, maxDeliveries: 5 },
      );
      await publishCompleted(suite.publisher, binding, 'permanent');
      await publishCompleted(suite.publisher, binding, 'transient');
      await eventually(() => outcomes.length === 3, 'three outcomes');
      subscription.unsubscribe();
      const summary = (id: string) => outcomes.filter((o) => o.message.fields.taskId === id).map((o) => `${o.status}#${o.deliveryCount}`);
      assert.deepEqual(summary('permanent'), ['dead-lettered#1']);
      assert.deepEqual(summary('transient'), ['retrying#1', 'handled#2']);
      const given = outcomes.find((o) => o.status === 'dead-lettered') as GivenUpOutcome<PulseMessage>;
      assert.equal(given.reason, 'permanent');
      assert.ok(given.error instanceof PermanentError);
      assert.equal(calls.get('permanent'), 1, 'never retried');
      const reported = errors.filter((e) => e.name === 'PermanentFailureError');
      assert.equal(reported.length, 1);
      assert.match(reported[0]!.message, /delivery 1 .*dead-lettered without retrying: task definition is invalid/);
      const json = JSON.parse(JSON.stringify(reported[0])) as Record<string, unknown>;
      assert.equal(json.deliveryCount, 1);
      assert.equal(json.deadLettered, true);

      // The dead-letter queue holds it, rejected once (one x-death entry, count 1): from delivery 1, no retry in between.
      const [dead] = await messagesIn(suite, `queue/guest/${deadLetter.queue}`, 1);
      assert.equal(JSON.parse(dead!.content.toString()).status.taskId, 'permanent');
      assert.equal(dead!.fields.redelivered, false);
      const deaths = dead!.properties.headers?.['x-death'] as Array<{ reason: string; count: number; queue: string }>;
      assert.deepEqual(
        deaths.map((d) => [d.reason, Number(d.count), d.queue]),
        [['rejected', 1, `queue/guest/${queueName}`]],
      );
      assert.equal((await client.queueStatus(queueName)).messageCount, 0);
    });

    test('classifyFailure decides by error and message, and is not asked about a PermanentError; one that throws or answers nonsense means retry, with a FailureClassifierError', async () => {
      const client = suite.newClient();
      const errors = errorsOf(client);
      const queueName = suite.queueFor('failures-classify');
      const calls = new CallsByTask();
      const notFound = Object.assign(new Error('task not found'), { statusCode: 404 });
      const asked: string[] = [];
      const { outcomes, subscription } = await consuming(
        client,
        binding,
        (m) => {
          const id = m.fields.taskId;
          const call = calls.count(id);
          if (id === 'not-found') throw notFound;
          if (id === 'classifier-throws' && call === 1) throw new Error('first try fails');
          if (id === 'classifier-answers-nonsense' && call === 1) throw new Error('first try fails');
          if (id === 'permanent') throw new PermanentError('no use');
          return id;
        },
        {
          queueName,
          retryDelayMs: 0,
          classifyFailure: (error, message) => {
            asked.push(message.routingKey.split('.')[1]!);
            if (message.routingKey.includes('classifier-throws')) throw new Error('classifier bug');
            if (message.routingKey.includes('classifier-answers-nonsense')) return 'maybe' as 'retry';
            return (error as { statusCode?: number }).statusCode === 404 ? 'dead-letter' : 'retry';
          },
        },
      );
      for (const id of ['not-found', 'classifier-throws', 'classifier-answers-nonsense', 'permanent']) await publishCompleted(suite.publisher, binding, id);
      await eventually(() => outcomes.length === 6, 'six outcomes');
      subscription.unsubscribe();
      const summary = (id: string) => outcomes.filter((o) => o.message.fields.taskId === id).map((o) => `${o.status}#${o.deliveryCount}`);
      assert.deepEqual(summary('not-found'), ['dropped#1'], 'no dead-letter exchange: dropped');
      assert.deepEqual(summary('classifier-throws'), ['retrying#1', 'handled#2']);
      assert.deepEqual(summary('classifier-answers-nonsense'), ['retrying#1', 'handled#2']);
      assert.deepEqual(summary('permanent'), ['dropped#1']);
      assert.deepEqual(asked.sort(), ['classifier-answers-nonsense', 'classifier-throws', 'not-found'], 'asked once per failure, never about a PermanentError');
      const classifierErrors = errors.filter((e) => e.name === 'FailureClassifierError').map((e) => e.message);
      assert.equal(classifierErrors.length, 2);
      assert.ok(classifierErrors.some((m) => /classifyFailure threw .*retrying it/.test(m)));
      assert.ok(classifierErrors.some((m) => /classifyFailure returned "maybe" .*retrying it/.test(m)));
      assert.equal(errors.filter((e) => e.name === 'PermanentFailureError').length, 2);
    });

    test('the docs/listening.md example: an unknown task and a 404 are dead-lettered on delivery 1, a 500 retried', async () => {
      const client = suite.newClient();
      const queueName = suite.queueFor('failures-example');
      const deadLetter = suite.deadLetterFor(queueName);
      const knownTasks = new Map([
        ['known', { name: 'build' }],
        ['gone', { name: 'gone' }],
      ]);
      let attempts = 0;
      const saveResult = async (task: { name: string }) => {
        if (task.name === 'gone') throw Object.assign(new Error('artifact not found'), { statusCode: 404 });
        if (attempts++ === 0) throw Object.assign(new Error('server error'), { statusCode: 500 });
        return task.name;
      };
      const ready = consumingOn(client);
      const seen: string[] = [];
      // prettier-ignore
const outcomes = client.consume(
  binding,
  async (message) => {
    const task = await knownTasks.get(message.payload.status.taskId);
    if (task === undefined) throw new PermanentError(`unknown task ${message.payload.status.taskId}`);
    return saveResult(task);
  },
  {
    queueName,
    deadLetter,
    // A 404 from a REST call stays a 404: dead-letter at once.
    classifyFailure: (error) => ((error as { statusCode?: number }).statusCode === 404 ? 'dead-letter' : 'retry'),
  },
);
      const subscription = outcomes.subscribe((o) => seen.push(`${o.message.payload.status.taskId} ${o.status}#${o.deliveryCount}`));
      await ready;
      for (const id of ['unknown', 'gone', 'known']) await publishCompleted(suite.publisher, binding, id);
      await eventually(() => seen.length === 4, 'four outcomes', 5_000);
      subscription.unsubscribe();
      assert.deepEqual(seen.sort(), ['gone dead-lettered#1', 'known handled#2', 'known retrying#1', 'unknown dead-lettered#1']);
    });

    test('classifyFailure must be a function, checked before any network I/O', () => {
      const client = suite.newClient();
      assert.throws(() => client.consume(binding, () => undefined, { classifyFailure: 'dead-letter' as never }), {
        name: 'PulseConfigError',
        message: /classifyFailure: must be a function/,
      });
    });
  });

  describe(`transient failures do not hold up the next message on ${target.name}`, () => {
    test('concurrency 1, retries waiting in place: the delay a failing message adds to the next one (reported)', async (t) => {
      await measureFailureDelay(t, suite, binding, 'failures-delay-in-place', {});
    });
  });
}

/**
 * Concurrency 1, a message that always fails queued ahead of good ones: how
 * much later the first good one starts after the failure, against the usual
 * gap between two good ones. Reported, and bounded generously.
 */
export async function measureFailureDelay(
  t: TestContext,
  suite: BrokerSuite,
  binding: ReturnType<ReturnType<typeof privateQueueEvents>['taskCompleted']>,
  prefix: string,
  options: Partial<ConsumeOptions>,
  bounded = true,
  /** Told the queue's short name before it is declared (to clean up what it makes). */
  named: (queueName: string) => void = () => undefined,
): Promise<{ readonly addedMs: number; readonly gapMs: number }> {
  const client = suite.newClient();
  const queueName = suite.queueFor(prefix);
  named(queueName);
  const goods = Array.from({ length: 20 }, (_, i) => `good-${i}`);
  // Declare and bind the queue, then fill it while nobody consumes, so every message is waiting.
  const consumeOptions: ConsumeOptions = { queueName, concurrency: 1, retryDelayMs: 60_000, maxDeliveries: 5, ...options };
  const declared = await consuming(client, binding, () => undefined, consumeOptions);
  declared.subscription.unsubscribe();
  await eventually(async () => (await client.queueStatus(queueName)).consumerCount === 0, 'the first consumer gone');
  await publishCompleted(suite.publisher, binding, 'bad');
  for (const id of goods) await publishCompleted(suite.publisher, binding, id);
  await eventually(async () => (await client.queueStatus(queueName)).messageCount === goods.length + 1, 'all messages queued');

  const started = new Map<string, number>();
  let failedAt = 0;
  const { outcomes, subscription } = await consuming(
    client,
    binding,
    async (m) => {
      const id = m.fields.taskId;
      if (!started.has(id)) started.set(id, performance.now());
      await Promise.resolve();
      if (id === 'bad') {
        failedAt ||= performance.now();
        throw new Error('always fails');
      }
      return id;
    },
    consumeOptions,
  );
  await eventually(() => outcomes.filter((o) => o.status === 'handled').length === goods.length, 'every good message handled', 15_000);
  subscription.unsubscribe();
  const firstGood = started.get(goods[0]!)!;
  const addedMs = firstGood - failedAt;
  const gaps = goods.slice(1).map((id, i) => started.get(id)! - started.get(goods[i]!)!).sort((a, b) => a - b);
  const gapMs = gaps[Math.floor(gaps.length / 2)]!;
  t.diagnostic(`${suite.target.name} ${prefix}: the failing message delayed the next by ${addedMs.toFixed(2)} ms (median gap between good ones ${gapMs.toFixed(2)} ms)`);
  assert.ok(addedMs >= 0, 'the bad message ran first');
  if (bounded) assert.ok(addedMs < 1_000, `the next message started ${addedMs.toFixed(1)} ms after the failure`);
  return { addedMs, gapMs };
}

/** Takes `count` messages out of `queue` (unacknowledged reads, acked), waiting for them. */
export async function messagesIn(suite: BrokerSuite, queue: string, count: number): Promise<AmqpMessage[]> {
  const channel = await suite.publisher.sideChannel();
  const messages: AmqpMessage[] = [];
  try {
    await eventually(async () => {
      const message = await channel.get(queue, { noAck: true });
      if (message) messages.push(message);
      return messages.length === count;
    }, `${count} messages in ${queue}`);
  } finally {
    await channel.close().catch(() => undefined);
  }
  return messages;
}
