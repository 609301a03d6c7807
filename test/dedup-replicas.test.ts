/**
 * Exactly-once effects across replicas: two PulseClients (as two bot
 * processes would) consume one durable queue through `deduplicate()` with the
 * Redis store; 10,000 messages published with confirms; one replica's
 * connection is closed by the broker mid-stream, so the messages it held come
 * back, some while its handlers are still running them. The effect is a
 * counter per message in Redis: every one must end at exactly 1.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { deduplicate, RedisDedupStore, type DedupStore, type Deduplicated } from '../src/workflows/index.js';
import type { QueueTypes } from '../src/index.js';
import type { ConsumeOutcome, PulseMessage } from '../src/pulse/index.js';
import { eventually, killConnections, uniqueName } from './support/rabbit.js';
import { errorsOf, useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';
import { testRedis } from './support/redis.js';

const events = privateQueueEvents();
const binding = events.taskCompleted();
const suite = useRabbitSuite({ exchanges: [binding.exchange], connectionPrefix: 'dedup-replicas-test' });
const redisKit = testRedis('dedup-replicas');
after(() => redisKit.cleanup());

const TOTAL = 10_000;

/** What a test keeps of an outcome. */
interface Seen {
  readonly replica: string;
  readonly status: ConsumeOutcome<PulseMessage>['status'];
  readonly redelivered: boolean;
  readonly result: Deduplicated<string> | undefined;
}

function countByName(errors: readonly Error[]): string {
  const counts = new Map<string, number>();
  for (const error of errors) counts.set(error.name, (counts.get(error.name) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${count} ${name}`).join(', ') || 'no errors';
}

function seen(replica: string, outcome: ConsumeOutcome<PulseMessage, Deduplicated<string>>): Seen {
  return { replica, status: outcome.status, redelivered: outcome.message.redelivered, result: outcome.status === 'handled' ? outcome.result : undefined };
}

describe('deduplicate() with the Redis store, two replicas on one queue', () => {
  test(`${TOTAL} messages, one replica's connection killed mid-stream: every effect exactly once`, async (t) => {
    const { redis, prefix } = redisKit;
    const effects = `${prefix}effects`;
    const redisStore = new RedisDedupStore(redis, { prefix: `${prefix}keys:` });
    // The Redis store, counting the copies that found their key held by a run still in progress.
    let foundInProgress = 0;
    const store: DedupStore = {
      claim: async (key, token, leaseMs) => {
        const claim = await redisStore.claim(key, token, leaseMs);
        if (claim.state === 'in-progress') foundInProgress++;
        return claim;
      },
      renew: (key, token, leaseMs) => redisStore.renew(key, token, leaseMs),
      complete: (key, token, ttlMs) => redisStore.complete(key, token, ttlMs),
      release: (key, token) => redisStore.release(key, token),
    };
    const queueName = suite.queueFor('dedup-pair');
    const names = { a: uniqueName('dedup-replicas-test-a'), b: uniqueName('dedup-replicas-test-b') };
    const outcomes: Seen[] = [];
    let effectsDone = 0;
    let open!: () => void;
    const gate = { closed: false, held: 0, finished: 0, opened: new Promise<void>((resolve) => (open = resolve)), open: () => open() };

    const replica = (name: string) => {
      const client = suite.newClient({ connectionName: name });
      const errors = errorsOf(client);
      // Slow enough that each replica has handlers in flight (and acks not yet sent) when the connection dies.
      const handler = deduplicate(
        async (message: PulseMessage<QueueTypes.TaskCompletedMessage>) => {
          await sleep(1 + Math.floor(Math.random() * 4));
          // Around the kill, A's handlers hang on until well after it, so their copies come back while they still run.
          const held = name === names.a && gate.closed;
          if (held) {
            gate.held++;
            await gate.opened;
          }
          await redis.hincrby(effects, message.payload.status.taskId, 1);
          if (held) gate.finished++;
          effectsDone++;
          return name;
        },
        { store, leaseMs: 5_000 },
      );
      const subscription = client
        .consume(binding, handler, { queueName, concurrency: 8, prefetch: 32, maxDeliveries: 50, retryDelayMs: 50 })
        .subscribe({ next: (outcome) => outcomes.push(seen(name, outcome)) });
      return { client, subscription, errors };
    };
    const a = replica(names.a);
    const b = replica(names.b);
    t.after(() => {
      a.subscription.unsubscribe();
      b.subscription.unsubscribe();
    });
    await eventually(async () => (await a.client.queueStatus(queueName).catch(() => ({ consumerCount: 0 }))).consumerCount === 2, 'both replicas consuming');

    const started = Date.now();
    const publishing = (async () => {
      for (let i = 0; i < TOTAL; i += 500) {
        const batch = [];
        for (let j = i; j < Math.min(i + 500, TOTAL); j++) {
          batch.push(suite.publisher.publish(binding.exchange, routingKeyFor(binding, taskFields(`task-${j}`)), taskCompletedBody(`task-${j}`)));
        }
        await Promise.all(batch);
      }
    })();
    await eventually(() => effectsDone >= TOTAL * 0.3, 'a third of the effects', 120_000);
    gate.closed = true;
    await eventually(() => gate.held >= 4, "replica A's handlers holding messages");
    const killed = await killConnections(names.a, 'test: replica A killed');
    const heldByA = gate.held;
    gate.closed = false;
    setTimeout(gate.open, 1_500);
    assert.equal(killed, 1, "closed replica A's connection only");
    await publishing;
    const publishedMs = Date.now() - started;
    await eventually(async () => (await redis.hlen(effects)) === TOTAL, `all ${TOTAL} effects`, 180_000);
    await eventually(() => gate.finished === heldByA, "replica A's held handlers finished", 30_000);
    // Copies still coming back (acks lost with the connection) must end as duplicates, not as second effects.
    await eventually(async () => (await a.client.queueStatus(queueName).catch(() => ({ messageCount: -1 }))).messageCount === 0, 'the queue drained', 60_000);
    await sleep(500);
    const elapsedMs = Date.now() - started;

    const counts = await redis.hvals(effects);
    const twice = counts.filter((count) => count !== '1').length;
    const effectCount = counts.reduce((sum, count) => sum + Number(count), 0);
    const duplicates = outcomes.filter((o) => o.result?.status === 'duplicate').length;
    const redelivered = outcomes.filter((o) => o.redelivered).length;
    const retried = outcomes.filter((o) => o.status === 'retrying').length;
    const notRecorded = outcomes.filter((o) => o.result?.status === 'ran' && !o.result.recorded).length;
    const ranBy = (replica: string) => outcomes.filter((o) => o.replica === replica && o.result?.status === 'ran').length;
    t.diagnostic(
      `${TOTAL} messages, ${effectCount} effects (${twice} twice) in ${elapsedMs} ms (published in ${publishedMs} ms); A killed with ${heldByA} handlers running (released 1.5 s later); ` +
        `redelivered ${redelivered}, claims that found a run in progress ${foundInProgress}, skipped as duplicates ${duplicates}, requeued while in progress ${retried}, ran but not recorded ${notRecorded}; ` +
        `effects by A ${ranBy(names.a)}, by B ${ranBy(names.b)}; replica A reported ${countByName(a.errors)}, B ${countByName(b.errors)}`,
    );
    assert.equal(counts.length, TOTAL, 'nothing lost');
    assert.equal(twice, 0, 'no effect twice');
    assert.ok(redelivered > 0, 'the kill made the broker redeliver messages');
    assert.equal(outcomes.filter((o) => o.status === 'dead-lettered' || o.status === 'dropped').length, 0, 'nothing given up');
  });
});
