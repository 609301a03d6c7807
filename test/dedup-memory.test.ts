/**
 * deduplicate() with the in-memory store, and the default key: the store
 * stays bounded under a flood of keys (O(1) per operation), a key function
 * groups events, the TTL ends a record, and on the real broker a failed
 * handler records nothing, so its redelivery runs it again, while a second
 * publication of the same event is skipped. eventKey() gives a live message
 * and one rebuilt from the queue's data (as backfill does) the same key.
 */
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { queueMessages } from '../src/testing/index.js';
import { deduplicate, eventKey, MemoryDedupStore, type Deduplicated, type KeyedEvent } from '../src/workflows/index.js';
import { PulseConfigError, type ConsumeOutcome, type PulseMessage } from '../src/pulse/index.js';
import type { QueueTypes } from '../src/index.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, routingKeyFor } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const completedBinding = events.taskCompleted();
const suite = useRabbitSuite({ exchanges: [completedBinding.exchange], connectionPrefix: 'dedup-memory-test' });

/** A message as `eventKey()` reads it. */
function event(exchange: string, fields: Record<string, string>, payload: unknown = {}): KeyedEvent {
  return { exchange, routingKey: Object.values(fields).join('.'), fields, payload };
}
const completed = (taskId: string, runId = '0') => event('exchange/taskcluster-queue/v1/task-completed', { taskId, runId });

describe('MemoryDedupStore', () => {
  test('stays within maxKeys under a flood of distinct keys', async (t) => {
    const store = new MemoryDedupStore({ maxKeys: 1_000 });
    const handler = deduplicate(() => undefined, { store });
    const flood = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < flood; i++) await handler(completed(`flood-${i}`));
    t.diagnostic(`${flood} messages through deduplicate(): ${(Number(process.hrtime.bigint() - started) / 1_000 / flood).toFixed(1)} µs each (load average ${loadavg()[0]!.toFixed(1)})`);
    assert.equal(store.size, 1_000, `${flood} keys kept to 1000`);
    // The least recently used went first: the newest is remembered, the oldest forgotten (it would run again).
    assert.equal((await handler(completed(`flood-${flood - 1}`))).status, 'duplicate');
    assert.equal((await handler(completed('flood-0'))).status, 'ran');
  });

  test('costs about the same per operation with 1000 keys held as with 100000 (reported)', async (t) => {
    const perOpNs: number[] = [];
    for (const maxKeys of [1_000, 100_000]) {
      const store = new MemoryDedupStore({ maxKeys });
      for (let i = 0; i < maxKeys; i++) await store.complete(`fill-${i}`, 't', 60_000);
      const ops = 50_000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) {
        await store.claim(`op-${i}`, 't', 60_000);
        await store.complete(`op-${i}`, 't', 60_000);
      }
      perOpNs.push(Number(process.hrtime.bigint() - started) / (2 * ops));
      assert.equal(store.size, maxKeys);
    }
    t.diagnostic(`claim/complete with the store full and evicting: ${perOpNs[0]!.toFixed(0)} ns per operation at 1000 keys, ${perOpNs[1]!.toFixed(0)} ns at 100000 (load average ${loadavg()[0]!.toFixed(1)})`);
  });

  test('a key recently seen is kept over older ones', async () => {
    const store = new MemoryDedupStore({ maxKeys: 3 });
    const handler = deduplicate(() => undefined, { store });
    for (const id of ['a', 'b', 'c']) await handler(completed(id));
    assert.equal((await handler(completed('a'))).status, 'duplicate'); // a is now the most recently used
    await handler(completed('d')); // evicts b
    assert.equal((await handler(completed('a'))).status, 'duplicate');
    assert.equal((await handler(completed('b'))).status, 'ran');
  });

  test('the TTL ends a record: a copy after it runs again', async () => {
    const handler = deduplicate(() => 'effect', { store: new MemoryDedupStore(), ttlMs: 50 });
    assert.equal((await handler(completed('t'))).status, 'ran');
    assert.equal((await handler(completed('t'))).status, 'duplicate');
    await sleep(80);
    assert.equal((await handler(completed('t'))).status, 'ran');
  });

  test('a key function decides what counts as the same event', async () => {
    let runs = 0;
    // One notification per task group, whichever of its tasks completes first.
    const handler = deduplicate((message: KeyedEvent) => ++runs, { store: new MemoryDedupStore(), key: (message) => `notify|${(message.payload as { group: string }).group}` });
    const inGroup = (taskId: string, group: string) => event('exchange/taskcluster-queue/v1/task-completed', { taskId, runId: '0' }, { group });
    assert.deepEqual(await handler(inGroup('t1', 'g1')), { status: 'ran', key: 'notify|g1', result: 1, recorded: true });
    assert.deepEqual(await handler(inGroup('t2', 'g1')), { status: 'duplicate', key: 'notify|g1' });
    assert.equal((await handler(inGroup('t3', 'g2'))).status, 'ran');
    assert.equal(runs, 2);
  });

  test('bad options and bad keys are refused, naming the field and the rule', async () => {
    const store = new MemoryDedupStore();
    const refused = (f: () => unknown, field: string) => assert.throws(f, (e: unknown) => e instanceof PulseConfigError && e.field === field && e.message.startsWith(`${field}: `));
    refused(() => new MemoryDedupStore({ maxKeys: 0 }), 'maxKeys');
    refused(() => new MemoryDedupStore({ maxKeys: 1.5 }), 'maxKeys');
    refused(() => deduplicate(() => 1, {} as never), 'store');
    refused(() => deduplicate(() => 1, { store: { claim: () => undefined } as never }), 'store');
    refused(() => deduplicate(() => 1, { store, leaseMs: 5 }), 'leaseMs');
    refused(() => deduplicate(() => 1, { store, ttlMs: -1 }), 'ttlMs');
    refused(() => deduplicate(() => 1, { store, ttlMs: Infinity }), 'ttlMs');
    refused(() => deduplicate(() => 1, { store, inProgressWaitMs: Number.NaN }), 'inProgressWaitMs');
    refused(() => deduplicate(() => 1, { store, key: 'taskId' as never }), 'key');
    refused(() => deduplicate(undefined as never, { store }), 'handler');
    let runs = 0;
    await assert.rejects(deduplicate(() => ++runs, { store, key: () => '' })(completed('x')), (e: unknown) => e instanceof PulseConfigError && e.field === 'key');
    await assert.rejects(deduplicate(() => ++runs, { store, key: () => 'k'.repeat(1_025) })(completed('x')), /at most 1024 characters, got 1025/);
    assert.equal(runs, 0);
  });
});

describe('eventKey()', () => {
  test('a task run event: exchange, taskId and runId; one key per artifact; other events by their content', () => {
    const queue = 'exchange/taskcluster-queue/v1';
    assert.equal(eventKey(completed('T1', '2')), `${queue}/task-completed|T1|2`);
    assert.notEqual(eventKey(completed('T1', '2')), eventKey(event(`${queue}/task-failed`, { taskId: 'T1', runId: '2' })), 'the state is part of it');
    assert.notEqual(eventKey(completed('T1', '2')), eventKey(completed('T1', '3')));
    assert.equal(eventKey(event(`${queue}/task-defined`, { taskId: 'T1', runId: '_' })), `${queue}/task-defined|T1|_`);
    const artifact = (name: string) => event(`${queue}/artifact-created`, { taskId: 'T1', runId: '0' }, { artifact: { name } });
    assert.equal(eventKey(artifact('public/logs/live.log')), `${queue}/artifact-created|T1|0|public/logs/live.log`);
    assert.notEqual(eventKey(artifact('public/a')), eventKey(artifact('public/b')));
    // No run: a group resolved, a priority changed, another service's event.
    const resolved = (payload: unknown) => event(`${queue}/task-group-resolved`, { taskGroupId: 'G', schedulerId: 's' }, payload);
    assert.equal(eventKey(resolved({ taskGroupId: 'G' })), eventKey(resolved({ taskGroupId: 'G' })));
    assert.notEqual(eventKey(resolved({ taskGroupId: 'G' })), eventKey(resolved({ taskGroupId: 'G', x: 1 })));
    const priority = (newPriority: string) => event(`${queue}/task-priority-changed`, { taskId: 'T1' }, { newPriority });
    assert.notEqual(eventKey(priority('high')), eventKey(priority('low')));
  });
});

describe('deduplicate() under consume() on RabbitMQ, memory store', () => {
  test('a failed handler records nothing: the redelivery runs it again; the same event published again is skipped; a rebuilt message has the same key', async () => {
    const client = suite.newClient();
    const queueName = suite.queueFor('dedup-memory');
    const store = new MemoryDedupStore();
    let attempts = 0;
    let effects = 0;
    const live: PulseMessage[] = [];
    const outcomes: Array<ConsumeOutcome<PulseMessage, Deduplicated<number>>> = [];
    const handler = deduplicate(
      (message: PulseMessage<QueueTypes.TaskCompletedMessage>) => {
        live.push(message);
        if (++attempts === 1) throw new Error('the effect failed');
        return ++effects;
      },
      { store },
    );
    const subscription = client.consume(completedBinding, handler, { queueName, retryDelayMs: 10 }).subscribe((o) => outcomes.push(o));
    try {
      await new Promise<void>((resolve) => client.once('consuming', () => resolve()));
      const message = queueMessages.taskCompleted({ taskId: 'dedupMemoryTask0001' });
      const publish = () => suite.publisher.publish(completedBinding.exchange, routingKeyFor(completedBinding, message.fields), message.payload);
      await publish();
      while (!outcomes.some((o) => o.status === 'handled')) await sleep(10);
      await publish(); // Taskcluster publishes at least once: the same event again
      while (outcomes.filter((o) => o.status === 'handled').length < 2) await sleep(10);

      assert.deepEqual(
        outcomes.map((o) => (o.status === 'handled' ? o.result?.status : o.status)),
        ['retrying', 'ran', 'duplicate'],
      );
      assert.equal(effects, 1, 'one effect');
      assert.equal(attempts, 2, 'the failed delivery was run again, the duplicate was not run');
      // Backfill rebuilds messages from the queue's data: the same exchange and fields give the same key.
      const rebuilt = { exchange: completedBinding.exchange, routingKey: '', fields: message.fields as unknown as Record<string, string>, payload: message.payload };
      assert.equal(eventKey(rebuilt), eventKey(live[0]!));
      assert.equal(eventKey(live[0]!), `${completedBinding.exchange}|dedupMemoryTask0001|0`);
    } finally {
      subscription.unsubscribe();
    }
  });
});
