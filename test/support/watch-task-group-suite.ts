/**
 * watchTaskGroup on a broker target (RabbitMQ, the memory broker) with the
 * fake deployment's queue: a 200-task group whose messages arrive shuffled
 * and duplicated, the watch started before, during and after the group
 * resolves; each task's final state is reported exactly once and the stream
 * completes. Also: late news is not shown, stopping and failing release the queue.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueueEvents } from '../../src/bindings/index.js';
import type { PulseClientOptions } from '../../src/pulse/index.js';
import { closeConnections, Queue } from '../../src/rest/index.js';
import { PulsePublisher, queueMessages, startFakeTaskcluster, type FakeTaskcluster } from '../../src/testing/index.js';
import { TaskGroupSnapshotError, watchTaskGroup, type TaskGroupEvent, type TaskStateEvent, type WatchTaskGroupOptions } from '../../src/workflows/index.js';
import { useBrokerSuite } from './broker-suite.js';
import type { BrokerTarget } from './broker-target.js';
import { deleteLeftovers, eventually, uniqueName } from './rabbit.js';
import { SeededRandom } from './seeded-random.js';
import { publishAll, shuffledWithDuplicates, TaskGroupStory } from './task-group-story.js';

const GROUP_SIZE = 200;
const RANK: Record<string, number> = { unscheduled: 0, pending: 1, running: 2, completed: 3, failed: 3, exception: 3 };

/** A subscribed watch: its events, and how it ended. */
interface Watching {
  readonly events: TaskGroupEvent[];
  readonly subscribedAt: number;
  completedAt: number;
  error: unknown;
  queue: string | undefined;
  readonly connectionName: string;
  unsubscribe(): void;
}

export function defineWatchTaskGroupSuite(target: BrokerTarget): void {
  const exchangePrefix = `exchange/${uniqueName('watch-group')}/`;
  const exchanges = queueExchanges(exchangePrefix);
  let fake: FakeTaskcluster;
  let queue: Queue;
  let publisher: PulsePublisher;
  // Registered before the suite's own cleanup, so it runs while the broker is still there.
  after(async () => {
    await publisher?.close();
    await deleteLeftovers(() => target.connect(), { exchanges });
    await closeConnections();
    await fake?.close();
  });
  const suite = useBrokerSuite(target, { exchanges, connectionPrefix: 'watch-group-test', clientDefaults: { closeTimeoutMs: 2_000 } });

  before(async () => {
    fake = await startFakeTaskcluster();
    queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, delayFactor: 10 });
    publisher = new PulsePublisher({ url: target.url });
  });

  function watch(taskGroupId: string, options: Partial<WatchTaskGroupOptions> = {}, clientOptions: Partial<PulseClientOptions> = {}): Watching {
    const pulse = suite.newClient(clientOptions);
    const watching: Watching = {
      events: [],
      subscribedAt: Date.now(),
      completedAt: 0,
      error: undefined,
      queue: undefined,
      connectionName: pulse.connectionName,
      unsubscribe: () => undefined,
    };
    pulse.on('consuming', (info) => (watching.queue = info.queue));
    const subscription = watchTaskGroup(taskGroupId, { queue, pulse, exchangePrefix, ...options }).subscribe({
      next: (event) => watching.events.push(event),
      complete: () => (watching.completedAt = Date.now()),
      error: (error: unknown) => (watching.error = error),
    });
    watching.unsubscribe = () => subscription.unsubscribe();
    return watching;
  }

  const listCalls = (taskGroupId: string) => fake.calls.filter((call) => call.api === 'queue.listTaskGroup' && call.params.taskGroupId === taskGroupId).length;

  async function completion(watching: Watching, what: string): Promise<void> {
    await eventually(() => watching.completedAt > 0 || watching.error !== undefined, what, 30_000);
    assert.equal(watching.error, undefined, `the watch failed: ${String(watching.error)}`);
  }

  /** What every scenario must show: each task's final state once, forward moves only, one `resolved` at the end. */
  function checkReport(watching: Watching, story: TaskGroupStory): { taskEvents: number; live: number; snapshot: number } {
    const { events } = watching;
    const last = events.at(-1);
    assert.equal(last?.kind, 'resolved', 'the last event is the group resolving');
    assert.equal(events.filter((e) => e.kind === 'resolved').length, 1);
    const counts = { completed: 0, failed: 0, exception: 0 };
    for (const { state } of story.finals.values()) counts[state as keyof typeof counts]++;
    assert.deepEqual(last.kind === 'resolved' && last.counts, counts);
    const byTask = new Map<string, TaskStateEvent[]>();
    for (const e of events) if (e.kind === 'task') byTask.set(e.taskId, [...(byTask.get(e.taskId) ?? []), e]);
    assert.equal(byTask.size, story.taskIds.length, 'every task reported');
    for (const [taskId, final] of story.finals) {
      const seen = byTask.get(taskId)!;
      const steps = seen.map((e) => `${e.runId ?? -1}/${e.state}`);
      assert.equal(new Set(steps).size, steps.length, `${taskId}: no (run, state) twice: ${steps.join(' ')}`);
      for (let i = 1; i < seen.length; i++) {
        const [a, b] = [seen[i - 1]!, seen[i]!];
        const forward = (b.runId ?? -1) > (a.runId ?? -1) || ((b.runId ?? -1) === (a.runId ?? -1) && RANK[b.state]! > RANK[a.state]!);
        assert.ok(forward, `${taskId}: only forward moves: ${steps.join(' ')}`);
      }
      const finalStep = `${final.runId}/${final.state}`;
      assert.equal(steps.at(-1), finalStep, `${taskId}: ends in its final state`);
      assert.equal(steps.filter((s) => s === finalStep).length, 1);
      assert.equal(seen.at(-1)!.resolved, true);
    }
    const artifacts = events.filter((e) => e.kind === 'artifact').map((e) => e.kind === 'artifact' && `${e.taskId}/${e.runId}/${e.artifact.name}`);
    assert.equal(new Set(artifacts).size, artifacts.length, 'no artifact twice');
    const taskEvents = events.filter((e) => e.kind === 'task');
    return { taskEvents: taskEvents.length, live: taskEvents.filter((e) => e.source === 'live').length, snapshot: taskEvents.filter((e) => e.source === 'snapshot').length };
  }

  async function queueGone(name: string | undefined): Promise<void> {
    assert.ok(name, 'the watch consumed from a queue');
    const connection = await target.connect();
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await assert.rejects(channel.checkQueue(name), /404|NOT_FOUND/, `${name} was deleted`);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  const queueIsGone = (name: string | undefined) => queueGone(name).then(() => true, () => false);

  describe(`watchTaskGroup on ${target.name}: a ${GROUP_SIZE}-task group, messages shuffled and duplicated`, () => {
    test('started before the group exists: reports each task to its final state once, then completes', async (t) => {
      const story = new TaskGroupStory(fake, GROUP_SIZE);
      const random = new SeededRandom(11);
      const watching = watch(story.taskGroupId);
      await eventually(() => listCalls(story.taskGroupId) === 1 && watching.queue !== undefined, 'the watch bound its queue and read the (empty) group');
      const half = GROUP_SIZE / 2;
      await publishAll(publisher, exchangePrefix, shuffledWithDuplicates(story.define(), random));
      await publishAll(publisher, exchangePrefix, shuffledWithDuplicates(story.run(story.taskIds.slice(0, half)), random));
      await publishAll(publisher, exchangePrefix, shuffledWithDuplicates(story.run(story.taskIds.slice(half)), random));
      const resolvedAt = Date.now();
      await publishAll(publisher, exchangePrefix, [story.resolved(), story.resolved()]);
      await completion(watching, 'the watch completed');

      const figures = checkReport(watching, story);
      const resolved = watching.events.at(-1)!;
      assert.equal(resolved.kind === 'resolved' && resolved.source, 'live');
      // Every message came after binding, in order per batch: every artifact is reported, once.
      assert.equal(watching.events.filter((e) => e.kind === 'artifact').length, GROUP_SIZE + story.retried.size);
      await queueGone(watching.queue);
      t.diagnostic(`${figures.taskEvents} task events (${figures.live} live, ${figures.snapshot} from snapshots); completed ${watching.completedAt - resolvedAt} ms after taskGroupResolved was published; ${listCalls(story.taskGroupId)} listTaskGroup calls`);
    });

    test('started while the group runs (half its tasks resolved, pages of 64): reports each task once, then completes', async (t) => {
      const story = new TaskGroupStory(fake, GROUP_SIZE);
      const random = new SeededRandom(22);
      const half = GROUP_SIZE / 2;
      // Published with nobody bound: gone. The snapshot has to tell.
      await publishAll(publisher, exchangePrefix, shuffledWithDuplicates([...story.define(), ...story.run(story.taskIds.slice(0, half))], random));
      const watching = watch(story.taskGroupId, { pageSize: 64 });
      // Bound, but its snapshot not read yet: the rest races with the snapshot.
      await eventually(() => watching.queue !== undefined, 'the watch bound its queue');
      await publishAll(publisher, exchangePrefix, shuffledWithDuplicates(story.run(story.taskIds.slice(half)), random));
      await publishAll(publisher, exchangePrefix, [story.resolved(), story.resolved()]);
      await completion(watching, 'the watch completed');

      const figures = checkReport(watching, story);
      assert.ok(figures.snapshot >= half, `the snapshot reported the tasks resolved before the watch (${figures.snapshot})`);
      assert.ok(figures.live > 0, 'and the messages the rest');
      await queueGone(watching.queue);
      t.diagnostic(`${figures.taskEvents} task events (${figures.live} live, ${figures.snapshot} from snapshots); completed ${watching.completedAt - watching.subscribedAt} ms after subscribing`);
    });

    test('started after the group resolved: reports every final state from the snapshot and completes at once', async (t) => {
      const story = new TaskGroupStory(fake, GROUP_SIZE);
      const random = new SeededRandom(33);
      await publishAll(publisher, exchangePrefix, shuffledWithDuplicates([...story.define(), ...story.run(story.taskIds)], random));
      await publishAll(publisher, exchangePrefix, [story.resolved()]);
      const watching = watch(story.taskGroupId);
      await completion(watching, 'the watch completed');

      const figures = checkReport(watching, story);
      assert.equal(figures.snapshot, GROUP_SIZE, 'one event per task, its final state');
      const resolved = watching.events.at(-1)!;
      assert.equal(resolved.kind === 'resolved' && resolved.source, 'snapshot');
      assert.equal(listCalls(story.taskGroupId), 1);
      await queueGone(watching.queue);
      t.diagnostic(`completed ${watching.completedAt - watching.subscribedAt} ms after subscribing (bind, one listTaskGroup of ${GROUP_SIZE} tasks, drain)`);
    });
  });

  describe(`watchTaskGroup on ${target.name}: late news, stopping, failing`, () => {
    test('a late running after completed, and duplicates, are not shown', async () => {
      const story = new TaskGroupStory(fake, 1);
      const watching = watch(story.taskGroupId);
      await eventually(() => listCalls(story.taskGroupId) === 1, 'the watch read the group');
      const [taskId] = story.taskIds;
      const { status } = fake.queue.addTask(taskId!, { taskGroupId: story.taskGroupId });
      fake.queue.startRun(taskId!);
      const running = queueMessages.taskRunning({ status: fake.queue.status(taskId!)! });
      const completed = fake.queue.resolveTask(taskId!, 'completed');
      const send = (m: object, name: 'taskRunning' | 'taskCompleted' | 'taskPending') =>
        (publisher.publish as (s: typeof QueueEvents, n: string, i: object) => Promise<unknown>)(QueueEvents, name, { ...m, exchangePrefix });
      await send(completed, 'taskCompleted');
      await send(running, 'taskRunning');
      await send(queueMessages.taskPending({ status }), 'taskPending');
      await send(completed, 'taskCompleted');
      await publishAll(publisher, exchangePrefix, [story.resolved()]);
      await completion(watching, 'the watch completed');
      const shown = watching.events.map((e) => (e.kind === 'task' ? `${e.state}/${e.source}` : e.kind));
      assert.deepEqual(shown, ['completed/live', 'resolved']);
    });

    test('after a dropped connection (the ephemeral queue and what was published meanwhile lost) it lists the group again on resuming', async () => {
      const story = new TaskGroupStory(fake, 5);
      story.define();
      const watching = watch(story.taskGroupId, {}, { reconnect: { initialDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0 } });
      await eventually(() => watching.events.length === 5, 'the snapshot reported the five pending tasks');
      const firstQueue = watching.queue;
      assert.equal(await target.forceClose(watching.connectionName), 1);
      // While the bot is away (1 s before it reconnects): the whole group runs, and the queue announces it to nobody.
      await publishAll(publisher, exchangePrefix, [...story.run(story.taskIds), story.resolved()]);
      await completion(watching, 'the watch completed after resuming');
      assert.notEqual(watching.queue, firstQueue, 'it resumed on a new ephemeral queue');
      checkReport(watching, story);
      const resolved = watching.events.at(-1)!;
      assert.equal(resolved.kind === 'resolved' && resolved.source, 'snapshot');
      assert.equal(listCalls(story.taskGroupId), 2, 'listed on binding, and again on resuming');
    });

    test('its signal stops it: no resolved event, the stream completes, the queue is released', async () => {
      const story = new TaskGroupStory(fake, 3);
      await publishAll(publisher, exchangePrefix, story.define());
      const stop = new AbortController();
      const watching = watch(story.taskGroupId, { signal: stop.signal });
      await eventually(() => watching.events.length === 3, 'the snapshot reported the three pending tasks');
      stop.abort();
      await completion(watching, 'the watch completed');
      assert.deepEqual(
        watching.events.map((e) => e.kind === 'task' && `${e.state}/${e.source}`),
        ['pending/snapshot', 'pending/snapshot', 'pending/snapshot'],
      );
      await queueGone(watching.queue);
    });

    test('unsubscribing releases the queue', async () => {
      const story = new TaskGroupStory(fake, 2);
      story.define();
      const watching = watch(story.taskGroupId);
      await eventually(() => watching.events.length === 2, 'the snapshot reported both tasks');
      watching.unsubscribe();
      await eventually(() => queueIsGone(watching.queue), 'the queue deleted');
      assert.equal(watching.completedAt, 0);
    });

    test('a REST error while reading the group errors the stream (TaskGroupSnapshotError) and releases the queue', async () => {
      const story = new TaskGroupStory(fake, 2);
      story.define();
      const restore = fake.override('queue.listTaskGroup', (call) =>
        call.params.taskGroupId === story.taskGroupId ? { status: 403, body: { code: 'InsufficientScopes', message: 'you need queue:list-task-group' } } : undefined,
      );
      try {
        const watching = watch(story.taskGroupId);
        await eventually(() => watching.error !== undefined, 'the watch failed');
        const error = watching.error as TaskGroupSnapshotError;
        assert.ok(error instanceof TaskGroupSnapshotError);
        assert.equal(error.reason, 'initial');
        assert.equal((error.cause as { code?: string }).code, 'InsufficientScopes');
        assert.match(error.message, new RegExp(`watchTaskGroup\\(${story.taskGroupId}\\): listing the task group \\(initial\\) failed: .*InsufficientScopes|you need`));
        assert.deepEqual(JSON.parse(JSON.stringify(error)).reason, 'initial');
        await eventually(() => queueIsGone(watching.queue), 'the queue deleted');
      } finally {
        restore();
      }
    });
  });
}

/** The full names of the queue exchanges under `exchangePrefix`. */
function queueExchanges(exchangePrefix: string): string[] {
  const events = new QueueEvents({ exchangePrefix });
  return [
    events.taskDefined(), events.taskPending(), events.taskRunning(), events.artifactCreated(),
    events.taskCompleted(), events.taskFailed(), events.taskException(), events.taskGroupResolved(),
  ].map((binding) => binding.exchange);
}
