/**
 * The Redis deduplication store on the real Redis: claims are leases that
 * only their holder completes or releases, a dead holder's lease lapses, a
 * live holder's is renewed; Redis down or hanging never runs a handler twice
 * nor skips a message (it is retried), and every call has a deadline;
 * credentials in a Redis URL never reach an error.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { DedupInProgressError, DedupStoreError, deduplicate, RedisDedupStore, type Deduplicated, type KeyedEvent } from '../src/workflows/index.js';
import { PulseConfigError, type ConsumeOutcome, type PulseMessage } from '../src/pulse/index.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';
import { uniqueName } from './support/rabbit.js';
import { redisBehindProxy, testRedis } from './support/redis.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const kit = testRedis('dedup-redis');
after(() => kit.cleanup());
const events = privateQueueEvents();
const binding = events.taskCompleted();
const suite = useRabbitSuite({ exchanges: [binding.exchange], connectionPrefix: 'dedup-redis-test' });

/** A task-completed message as `eventKey()` reads it. */
function completed(taskId: string, runId = 0): KeyedEvent {
  return { exchange: binding.exchange, routingKey: `primary.${taskId}.${runId}`, fields: { taskId, runId: String(runId) }, payload: {} };
}

const store = () => new RedisDedupStore(kit.redis, { prefix: `${kit.prefix}${uniqueName('s')}:` });

describe('RedisDedupStore', () => {
  test('a claim is a lease: one holder at a time, completed or released only by its token, done for the TTL', async () => {
    const s = store();
    assert.deepEqual(await s.claim('k', 'one', 5_000), { state: 'claimed' });
    const held = await s.claim('k', 'two', 5_000);
    assert.equal(held.state, 'in-progress');
    assert.ok(held.state === 'in-progress' && held.remainingMs > 4_000 && held.remainingMs <= 5_000, `remaining ${JSON.stringify(held)}`);
    await s.release('k', 'two');
    assert.equal(await s.complete('k', 'two', 5_000), false, 'another token cannot complete');
    assert.equal(await s.renew('k', 'two', 5_000), false, 'another token cannot renew');
    assert.equal((await s.claim('k', 'two', 5_000)).state, 'in-progress', "another token's release left the claim");
    assert.equal(await s.complete('k', 'one', 200), true);
    assert.deepEqual(await s.claim('k', 'two', 5_000), { state: 'done' });
    await sleep(300);
    assert.deepEqual(await s.claim('k', 'three', 5_000), { state: 'claimed' }, 'done expires after the TTL');
    await s.release('k', 'three');
    assert.deepEqual(await s.claim('k', 'four', 5_000), { state: 'claimed' }, 'released: free at once');
  });

  test("a dead holder's lease lapses, a live holder's is renewed", async () => {
    const s = store();
    await s.claim('dead', 'crashed', 150);
    await s.claim('live', 'alive', 150);
    for (let i = 0; i < 4; i++) {
      await sleep(60);
      assert.equal(await s.renew('live', 'alive', 150), true);
    }
    assert.deepEqual(await s.claim('dead', 'next', 5_000), { state: 'claimed' });
    assert.equal((await s.claim('live', 'next', 5_000)).state, 'in-progress');
  });

  test('refuses a client without eval and bad options, naming the field, before any I/O', () => {
    assert.throws(() => new RedisDedupStore({} as never), (e: unknown) => e instanceof PulseConfigError && e.field === 'client');
    assert.throws(() => new RedisDedupStore(kit.redis, { timeoutMs: 0 }), (e: unknown) => e instanceof PulseConfigError && e.field === 'timeoutMs');
    assert.throws(() => new RedisDedupStore(kit.redis, { prefix: 3 as never }), (e: unknown) => e instanceof PulseConfigError && e.field === 'prefix');
    assert.doesNotMatch(inspect(new RedisDedupStore(kit.redis)), /127\.0\.0\.1|6379/, 'the store does not show its client');
  });
});

describe('deduplicate() on Redis', () => {
  test("a copy whose holder died waits for the lease to lapse and runs, without going back to the queue", async () => {
    const s = store();
    const message = completed('orphan');
    await s.claim(`${binding.exchange}|orphan|0`, 'a-replica-that-crashed', 400);
    let runs = 0;
    const started = Date.now();
    const result = await deduplicate(() => ++runs, { store: s, leaseMs: 1_000 })(message);
    const waitedMs = Date.now() - started;
    assert.equal(result.status, 'ran');
    assert.equal(runs, 1);
    assert.ok(waitedMs >= 350 && waitedMs < 2_000, `waited ${waitedMs} ms for a 400 ms lease`);
  });

  test('a copy whose holder is alive and slow waits, then goes back to the queue; after success copies are duplicates', async () => {
    const s = store();
    const message = completed('slow');
    let runs = 0;
    let finish!: () => void;
    const handler = deduplicate(
      async () => {
        runs++;
        await new Promise<void>((resolve) => (finish = resolve));
        return 'effect';
      },
      { store: s, leaseMs: 90, inProgressWaitMs: 300 },
    );
    const first = handler(message);
    await sleep(50);
    const started = Date.now();
    // The lease is 90 ms; renewed every 30 ms while the handler runs, it outlives the 300 ms wait.
    await assert.rejects(handler(message), (e: unknown) => e instanceof DedupInProgressError && e.retryable && e.key === `${binding.exchange}|slow|0`);
    assert.ok(Date.now() - started >= 290, 'waited inProgressWaitMs');
    finish();
    assert.deepEqual(await first, { status: 'ran', key: `${binding.exchange}|slow|0`, result: 'effect', recorded: true });
    assert.deepEqual(await handler(message), { status: 'duplicate', key: `${binding.exchange}|slow|0` });
    assert.equal(runs, 1);
  });

  test('a failed handler leaves no record: the next copy runs at once', async () => {
    const s = store();
    let runs = 0;
    const handler = deduplicate(
      () => {
        if (++runs === 1) throw new Error('effect failed');
        return runs;
      },
      { store: s },
    );
    await assert.rejects(handler(completed('flaky')), /effect failed/);
    const started = Date.now();
    assert.deepEqual(await handler(completed('flaky')), { status: 'ran', key: `${binding.exchange}|flaky|0`, result: 2, recorded: true });
    assert.ok(Date.now() - started < 1_000, 'released, not left to lapse');
  });
});

describe('deduplicate() with Redis out of reach', () => {
  test('nothing listening: the handler does not run, a DedupStoreError within the deadline, no credentials in it', async () => {
    const refused = await startTcpProxy('black-hole');
    const port = refused.port;
    await refused.close(); // now nothing listens on that port
    const client = new Redis(`redis://bot:s3cret-redis-pw@127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    try {
      let runs = 0;
      const handler = deduplicate(() => ++runs, { store: new RedisDedupStore(client, { timeoutMs: 300 }) });
      const started = Date.now();
      const error = await handler(completed('down')).then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      const elapsed = Date.now() - started;
      assert.ok(error instanceof DedupStoreError && error.operation === 'claim' && error.retryable, String(error));
      assert.equal(runs, 0);
      assert.ok(elapsed < 1_500, `failed after ${elapsed} ms (deadline 300 ms)`);
      const json = error.toJSON();
      assert.deepEqual([json.name, json['operation'], json['key'], json['retryable']], ['DedupStoreError', 'claim', `${binding.exchange}|down|0`, true]);
      assert.match(error.message, /^deduplication store failed to claim key "[^"]+\|down\|0": no answer from Redis within 300 ms$/);
      for (const text of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 })]) assert.doesNotMatch(text, /s3cret-redis-pw/);
    } finally {
      client.disconnect();
    }
  });

  test('Redis hanging after the effect: the result says not recorded; after a failure: the handler\'s own error, within the deadline', async (t) => {
    const { proxy, client } = await redisBehindProxy(t);
    const s = new RedisDedupStore(client, { prefix: `${kit.prefix}${uniqueName('after')}:`, timeoutMs: 200 });
    const succeeds = deduplicate(
      () => {
        proxy.pause();
        return 'effect';
      },
      { store: s },
    );
    let started = Date.now();
    assert.deepEqual(await succeeds(completed('unrecorded')), { status: 'ran', key: `${binding.exchange}|unrecorded|0`, result: 'effect', recorded: false });
    assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
    proxy.resume();
    await client.ping();
    const fails = deduplicate(
      () => {
        proxy.pause();
        throw new Error('the effect failed');
      },
      { store: s },
    );
    started = Date.now();
    await assert.rejects(fails(completed('failed')), /^Error: the effect failed$/);
    assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
    proxy.resume();
  });

  test('Redis hanging mid-consume: every delivery fails within the deadline and is requeued; once Redis answers, the handler runs once', async (t) => {
    const { proxy, client } = await redisBehindProxy(t);
    const redisStore = new RedisDedupStore(client, { prefix: `${kit.prefix}${uniqueName('hang')}:`, timeoutMs: 250 });
    let runs = 0;
    const outcomes: Array<ConsumeOutcome<PulseMessage, Deduplicated<number>>> = [];
    const handler = deduplicate(() => ++runs, { store: redisStore });
    const consumer = suite.newClient();
    const queueName = suite.queueFor('dedup-hang');
    const subscription = consumer.consume(binding, handler, { queueName, retryDelayMs: 50, maxDeliveries: 100 }).subscribe((o) => outcomes.push(o));
    t.after(() => subscription.unsubscribe());
    await new Promise<void>((resolve) => consumer.once('consuming', () => resolve()));

    proxy.pause(); // Redis stops answering; the client's commands wait on a live socket
    const started = Date.now();
    await publishCompleted(suite.publisher, binding, 'hang');
    while (outcomes.filter((o) => o.status === 'retrying').length < 3) await sleep(20);
    const failedAfterMs = Date.now() - started;
    proxy.resume();
    while (!outcomes.some((o) => o.status === 'handled')) await sleep(20);
    const retrying = outcomes.filter((o) => o.status === 'retrying');
    t.diagnostic(`3 deliveries failed in ${failedAfterMs} ms with Redis hanging (deadline 250 ms each, retry delay 50 ms); then ${retrying.length} retries in all before it answered`);
    for (const o of retrying) assert.ok(o.status === 'retrying' && o.error instanceof DedupStoreError, String(o.status === 'retrying' ? o.error : o.status));
    assert.ok(failedAfterMs < 3 * (250 + 50) + 2_000, `three failures took ${failedAfterMs} ms`);
    const handled = outcomes.find((o) => o.status === 'handled');
    assert.deepEqual(handled?.status === 'handled' ? handled.result : undefined, { status: 'ran', key: `${binding.exchange}|hang|0`, result: 1, recorded: true });
    await sleep(300);
    assert.equal(runs, 1, 'the handler ran once');
    assert.equal(outcomes.filter((o) => o.status === 'handled').length, 1);
  });
});
