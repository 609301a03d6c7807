/**
 * Backfill rebuilds, from the fake deployment's Queue API, the very messages
 * the queue published: a task group is driven through every task exchange
 * (defined, pending, running, artifacts, completed, failed, exception, group
 * resolved) while the test kit's publisher publishes each step's message on
 * RabbitMQ and listen() receives it. The rebuilt messages then equal the live
 * ones: exchange, routing key, fields, routes (CC), payload valid against the
 * exchange's schema, and the payload bytes. The one thing the Queue API
 * cannot tell is a run's claim (`takenUntil`) as it was before the run was
 * resolved; that is the only difference allowed, and counted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { PulseClient, Queue, QueueEvents, slugid } from '../src/index.js';
import { backfill, BACKFILL_EXCHANGES, type BackfilledMessage } from '../src/workflows/index.js';
import { PulsePublisher, queueMessages, startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { packageValidator } from '../src/testing/message-validator.js';
import type { PulseMessage } from '../src/pulse/index.js';
import type { AmqpMessage } from '../src/pulse/amqp-api.js';
import { deleteExchanges, RABBIT_URL, uniqueName } from './support/rabbit.js';
import { FAST_RETRIES } from './support/rest-fixtures.js';

const exchangePrefix = `exchange/${uniqueName('backfill')}/queue/v1/`;
const events = new QueueEvents({ exchangePrefix });
const taskGroupId = slugid();
const schedulerId = 'backfill-test';
const routes = ['index.backfill.latest', 'notify.irc-channel.#ci.on-any'];
const tags = { kind: 'build', createdForUser: 'nobody@example.com' };
const worker = { workerGroup: 'us-east-1', workerId: 'i-0abc' };

let fake: FakeTaskcluster;
let queue: Queue;
let publisher: PulsePublisher;
let pulse: PulseClient;

before(async () => {
  fake = await startFakeTaskcluster();
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });
  publisher = new PulsePublisher({ url: RABBIT_URL, connectionName: uniqueName('backfill-publisher') });
  pulse = new PulseClient({ url: RABBIT_URL, connectionName: uniqueName('backfill-listener') });
  await publisher.declareExchanges(QueueEvents, [...BACKFILL_EXCHANGES], { exchangePrefix });
});
after(async () => {
  await publisher.close();
  await pulse.close();
  await fake.close();
  await deleteExchanges(...BACKFILL_EXCHANGES.map((name) => events[name]().exchange));
});

/** A message as the broker delivered it (the decoded message keeps its raw delivery). */
const wire = (message: PulseMessage) => (message as unknown as { raw: AmqpMessage }).raw;
/** Which event a message is: exchange, task, run, artifact. */
function keyOf(message: PulseMessage): string {
  const payload = message.payload as { runId?: number; artifact?: { name: string }; status?: { taskId: string }; taskGroupId?: string };
  return [message.exchange, payload.status?.taskId ?? payload.taskGroupId, payload.runId ?? '-', payload.artifact?.name ?? '-'].join(' ');
}

describe('backfill rebuilds what the queue published, on every task exchange', () => {
  it('equals the live messages received through listen(): exchange, routing key, fields, CC routes, payload bytes', async () => {
    const definition = { taskGroupId, schedulerId, taskQueueId: 'proj-backfill/linux', routes, tags };
    const contents = { routes, tags };
    const live: Parameters<typeof publisher.publish>[2][] = [];
    const send = async (name: (typeof BACKFILL_EXCHANGES)[number], message: { fields: object; payload: unknown; routes: readonly string[] }) => {
      await publisher.publish(QueueEvents, name, { ...message, exchangePrefix } as never);
      live.push(message as never);
    };
    const resolvedGroup = slugid();
    const bindings = [
      ...BACKFILL_EXCHANGES.map((name) => events[name]({ taskGroupId })),
      events.taskGroupResolved({ taskGroupId: resolvedGroup }),
    ];
    const ready = new Promise((resolve) => pulse.once('consuming', resolve));
    // Defined 6, pending 5, running 4, artifacts 2 × 3, resolutions 3, the other group resolved 1.
    const expected = 6 + 5 + 4 + 6 + 3 + 1;
    const received = firstValueFrom(pulse.listen(bindings).pipe(take(expected), toArray(), timeout(20_000)));
    await ready;

    // Each task through its steps; at each step, what the queue publishes, from the fake's status then.
    const ids = { blocked: slugid(), pending: slugid(), running: slugid(), completed: slugid(), failed: slugid(), exception: slugid() };
    const status = (taskId: string) => ({ status: fake.queue.status(taskId)!, ...contents });
    fake.queue.addTask(ids.blocked, { ...definition, dependencies: [ids.pending] });
    for (const [name, taskId] of Object.entries(ids)) {
      if (name !== 'blocked') fake.queue.addTask(taskId, definition);
      await send('taskDefined', queueMessages.taskDefined(status(taskId)));
      if (name !== 'blocked') await send('taskPending', queueMessages.taskPending(status(taskId)));
    }
    for (const taskId of [ids.running, ids.completed, ids.failed, ids.exception]) {
      fake.queue.startRun(taskId, worker);
      await send('taskRunning', queueMessages.taskRunning(status(taskId)));
    }
    const artifacts = [
      { name: 'public/build.zip', storageType: 'object', contentType: 'application/zip', content: 'zip bytes' },
      { name: 'public/docs', storageType: 'reference', contentType: 'text/html', url: 'https://example.com/docs' },
      { name: 'public/log.txt', storageType: 'error', contentType: 'application/binary', reason: 'file-missing-on-worker', message: 'no log' },
    ] as const;
    for (const taskId of [ids.running, ids.completed]) {
      for (const { name, storageType, contentType, ...rest } of artifacts) {
        fake.queue.addArtifact(taskId, name, { storageType, contentType, ...rest } as never);
        const expires = fake.queue.status(taskId)!.expires;
        await send('artifactCreated', queueMessages.artifactCreated(status(taskId), { name, storageType, contentType, expires }));
      }
    }
    // The resolutions: the fake queue answers with the message the queue publishes.
    await send('taskCompleted', fake.queue.resolveTask(ids.completed, 'completed', worker));
    await send('taskFailed', fake.queue.resolveTask(ids.failed, 'failed', worker));
    await send('taskException', fake.queue.resolveTask(ids.exception, 'exception', { ...worker, reasonResolved: 'worker-shutdown' }));
    // Another group, its only task resolved: taskGroupResolved.
    const lone = slugid();
    fake.queue.addTask(lone, { ...definition, taskGroupId: resolvedGroup });
    fake.queue.resolveTask(lone, 'completed', worker);
    await send('taskGroupResolved', queueMessages.taskGroupResolved({ taskGroupId: resolvedGroup, schedulerId, expires: fake.queue.status(lone)!.expires }));
    const messages = await received;
    assert.equal(messages.length, live.length);

    const rebuilt: BackfilledMessage[] = await firstValueFrom(backfill({ queue, taskGroupId, bindings }).pipe(toArray()));
    const byKey = new Map(messages.map((message) => [keyOf(message), message]));
    const groupRebuilt = await firstValueFrom(backfill({ queue, taskGroupId: resolvedGroup, bindings }).pipe(toArray()));
    assert.deepEqual(groupRebuilt.map((message) => message.exchange), [events.taskGroupResolved().exchange], 'the other group: only its resolution matches the bindings');
    rebuilt.push(...groupRebuilt);
    assert.equal(rebuilt.length, messages.length);
    assert.deepEqual(rebuilt.map(keyOf).sort(), [...byKey.keys()].sort(), 'every live message is rebuilt, nothing else');

    let exact = 0;
    const claimOnly: string[] = [];
    for (const message of rebuilt) {
      assert.equal(message.origin, 'backfill');
      const entry = QueueEvents.reference.entries.find((e) => message.exchange === exchangePrefix + e.exchange)!;
      packageValidator().validate(entry.name, `/schemas/queue/${entry.schema.replace(/#$/, '')}`, message.payload);
      const original = byKey.get(keyOf(message))!;
      assert.equal(message.exchange, original.exchange);
      assert.equal(message.routingKey, original.routingKey, keyOf(message));
      assert.deepEqual(message.fields, original.fields);
      assert.deepEqual(message.routes, original.routes);
      assert.deepEqual(wire(message).properties.headers?.CC, wire(original).properties.headers?.CC);
      assert.equal(message.binding, bindings.find((b) => b.exchange === message.exchange));
      // Byte for byte: the live body against the rebuilt payload serialized as the publisher does.
      const bytes = Buffer.from(JSON.stringify(message.payload), 'utf8');
      if (bytes.equals(wire(original).content)) {
        exact++;
        continue;
      }
      // Otherwise only the claim of a run resolved since differs.
      const runId = (message.payload as { runId: number }).runId;
      const claimOf = (payload: unknown) => (payload as { status: { runs: { takenUntil?: string }[] } }).status.runs[runId]!.takenUntil;
      const withLiveClaim = JSON.parse(bytes.toString()) as { status: { runs: { takenUntil?: string }[] }; takenUntil?: string };
      withLiveClaim.status.runs[runId]!.takenUntil = claimOf(original.payload);
      if ('takenUntil' in withLiveClaim) withLiveClaim.takenUntil = claimOf(original.payload);
      assert.ok(Buffer.from(JSON.stringify(withLiveClaim)).equals(wire(original).content), `${keyOf(message)} differs beyond takenUntil`);
      claimOnly.push(keyOf(message));
    }
    // Tasks still running, pending or defined only: nothing changed since, so every message is exact.
    assert.ok(claimOnly.every((key) => !key.includes(ids.running)), 'a run still running keeps its claim');
    assert.ok(exact >= rebuilt.length - 2 * 4, `${exact} of ${rebuilt.length} byte-identical`);
    console.log(`backfill wire: ${rebuilt.length} rebuilt, ${exact} byte-identical, ${claimOnly.length} differing only in a resolved run's earlier takenUntil`);
  });
});
