/**
 * backfill() and runBackfill() against the fake deployment: a 50-task group
 * in mixed states rebuilt in full (paged), a time window, unknown tasks and
 * groups, abort and unsubscribe stopping the REST paging, bad input refused
 * before any request, and the status snapshots of statusAt().
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, take, toArray } from 'rxjs';
import { PulseConfigError, Queue, QueueEvents, slugid } from '../src/index.js';
import { backfill, BackfillNotFoundError, runBackfill, statusAt, type BackfilledMessage } from '../src/workflows/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import type { TaskStatus } from '../src/generated/types/queue.js';
import { FAST_RETRIES } from './support/rest-fixtures.js';

let fake: FakeTaskcluster;
let queue: Queue;
before(async () => {
  fake = await startFakeTaskcluster();
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });
});
after(() => fake.close());

const worker = { workerGroup: 'wg', workerId: 'w1' };
const callsTo = (method: string) => fake.calls.filter((call) => call.api === `queue.${method}`).length;
/** A routing-key field of any message (the group exchanges have no taskId). */
const field = (message: BackfilledMessage, name: string) => (message.fields as Readonly<Record<string, string>>)[name];
const nameOf = (message: BackfilledMessage) => QueueEvents.reference.entries.find((e) => message.exchange.endsWith(`/${e.exchange}`))!.name;

/** A group of 50 tasks: 10 each pending, running with an artifact, completed, failed then rerun and completed, unscheduled. */
function fiftyTaskGroup(): { taskGroupId: string; expected: Map<string, string[]> } {
  const taskGroupId = slugid();
  const expected = new Map<string, string[]>();
  for (let i = 0; i < 50; i++) {
    const taskId = slugid();
    const kind = i % 5;
    fake.queue.addTask(taskId, { taskGroupId, taskQueueId: 'proj/linux', routes: [`index.group.${i}`], ...(kind === 4 ? { dependencies: [slugid()] } : {}) });
    const history = ['taskDefined'];
    if (kind !== 4) history.push('taskPending');
    if (kind === 1 || kind === 2) {
      fake.queue.startRun(taskId, worker);
      fake.queue.addArtifact(taskId, 'public/a.txt', { storageType: 'reference', url: 'https://example.com/a' });
      fake.queue.addArtifact(taskId, 'public/s3.txt', { content: 'not announced: the exchange has no s3' });
      history.push('taskRunning', 'artifactCreated');
    }
    if (kind === 2) {
      fake.queue.resolveTask(taskId, 'completed', worker);
      history.push('taskCompleted');
    }
    if (kind === 3) {
      fake.queue.resolveTask(taskId, 'failed', worker);
      fake.queue.resolveTask(taskId, 'completed', worker);
      history.push('taskRunning', 'taskFailed', 'taskPending', 'taskRunning', 'taskCompleted');
    }
    expected.set(taskId, history);
  }
  return { taskGroupId, expected };
}

describe('backfill', () => {
  it('rebuilds a 50-task group in full, paging the group and each run\'s artifacts, in each task\'s publishing order', async () => {
    const { taskGroupId, expected } = fiftyTaskGroup();
    const pagesBefore = callsTo('listTaskGroup');
    const started = performance.now();
    const messages = await lastValueFrom(backfill({ queue, taskGroupId, pageSize: 7 }).pipe(toArray()));
    const ms = performance.now() - started;
    const byTask = new Map<string, string[]>();
    for (const message of messages) {
      assert.equal(message.origin, 'backfill');
      assert.equal(message.queue, 'backfill');
      assert.equal(message.redelivered, false);
      const taskId = field(message, 'taskId')!;
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), nameOf(message)]);
    }
    assert.deepEqual(byTask, expected);
    assert.equal(callsTo('listTaskGroup') - pagesBefore, Math.ceil(50 / 7), 'the group is read in pages of 7');
    // Not all resolved (pending, running, unscheduled tasks): no taskGroupResolved.
    assert.ok(!messages.some((message) => nameOf(message) === 'taskGroupResolved'));
    console.log(`backfill: 50 tasks, ${messages.length} messages in ${ms.toFixed(0)} ms`);
  });

  it('a window keeps the events of its time range: by scheduled, started, resolved; artifacts of runs running in it', async () => {
    const taskId = slugid();
    fake.queue.addTask(taskId, { taskQueueId: 'proj/linux', created: '2030-01-01T00:00:00.000Z', deadline: '2030-01-02T00:00:00.000Z' });
    fake.queue.startRun(taskId, worker);
    fake.queue.addArtifact(taskId, 'public/run0', { storageType: 'reference', url: 'https://example.com/0' });
    fake.queue.resolveTask(taskId, 'failed', worker);
    fake.queue.startRun(taskId, worker);
    fake.queue.addArtifact(taskId, 'public/run1', { storageType: 'reference', url: 'https://example.com/1' });
    fake.queue.resolveTask(taskId, 'completed', worker);
    // The fake stamps runs with the time they happen; give them hours apart.
    const at = (hour: number) => `2030-01-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const status: TaskStatus = fake.queue.status(taskId)!;
    Object.assign(status.runs[0]!, { scheduled: at(1), started: at(2), resolved: at(3), takenUntil: at(3) });
    Object.assign(status.runs[1]!, { scheduled: at(4), started: at(5), resolved: at(6), takenUntil: at(6) });
    const remove = fake.override('queue.status', (call) => (call.params.taskId === taskId ? { status: 200, body: { status } } : undefined));
    try {
      const inWindow = async (from: string, to: string) =>
        (await lastValueFrom(backfill({ queue, taskIds: [taskId], window: { from, to } }).pipe(toArray()))).map(
          (message) => `${nameOf(message)} ${field(message, 'runId')}${'artifact' in (message.payload as object) ? ' ' + (message.payload as { artifact: { name: string } }).artifact.name : ''}`,
        );
      assert.deepEqual(await inWindow(at(3), at(5)), ['artifactCreated 0 public/run0', 'taskFailed 0', 'taskPending 1']);
      assert.deepEqual(await inWindow(at(0), at(1)), ['taskDefined _']);
      assert.deepEqual(await inWindow(at(6), at(7)), ['artifactCreated 1 public/run1', 'taskCompleted 1']);
      assert.deepEqual(await inWindow('2031-01-01T00:00:00Z', '2031-01-02T00:00:00Z'), []);
    } finally {
      remove();
    }
  });

  it('a group whose tasks are all resolved ends with taskGroupResolved, within the window of its last resolution', async () => {
    const taskGroupId = slugid();
    for (let i = 0; i < 3; i++) {
      const taskId = slugid();
      fake.queue.addTask(taskId, { taskGroupId, schedulerId: 'sched', taskQueueId: 'proj/linux' });
      fake.queue.resolveTask(taskId, i === 0 ? 'exception' : 'completed', worker);
    }
    const messages = await lastValueFrom(backfill({ queue, taskGroupId, bindings: new QueueEvents().taskGroupResolved({ taskGroupId }) }).pipe(toArray()));
    assert.equal(messages.length, 1);
    assert.deepEqual(messages[0]!.fields, { routingKeyKind: 'primary', taskGroupId, schedulerId: 'sched', reserved: '_' });
    // Several groups, one after the other; the default bindings under another deployment's prefix.
    const other = slugid();
    const lone = slugid();
    fake.queue.addTask(lone, { taskGroupId: other, taskQueueId: 'proj/linux' });
    const both = await lastValueFrom(backfill({ queue, taskGroupIds: [taskGroupId, other], exchangePrefix: 'exchange/taskcluster-queue/v2/' }).pipe(toArray()));
    assert.deepEqual(
      both.map((message) => `${message.exchange} ${field(message, 'taskGroupId')}`).slice(-3),
      [`exchange/taskcluster-queue/v2/task-group-resolved ${taskGroupId}`, `exchange/taskcluster-queue/v2/task-defined ${other}`, `exchange/taskcluster-queue/v2/task-pending ${other}`],
    );
    const past = { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' };
    assert.deepEqual(await lastValueFrom(backfill({ queue, taskGroupId, window: past }).pipe(toArray())), []);
  });

  it('only what the bindings match, each message carrying its binding, under their exchange prefix', async () => {
    const { taskGroupId, expected } = fiftyTaskGroup();
    const events = new QueueEvents({ exchangePrefix: 'exchange/taskcluster-queue/v1/' });
    const binding = events.taskCompleted({ taskGroupId });
    const messages = await lastValueFrom(backfill({ queue, taskGroupId, bindings: [binding] }).pipe(toArray()));
    assert.equal(messages.length, [...expected.values()].filter((h) => h.includes('taskCompleted')).length);
    for (const message of messages) {
      assert.equal(message.binding, binding);
      assert.equal(message.payload.status.state, 'completed');
      assert.ok(message.is(binding));
    }
    // A route in the CC matches as the broker matches it.
    const routed = await lastValueFrom(backfill({ queue, taskGroupId, bindings: events.taskDefined({ routingKeyPattern: 'route.index.group.7' }) }).pipe(toArray()));
    assert.deepEqual(routed.map((message) => message.routes), [['index.group.7']]);
  });

  it('a task or group the queue does not know errors with BackfillNotFoundError naming it', async () => {
    const taskId = slugid();
    await assert.rejects(lastValueFrom(backfill({ queue, taskIds: [taskId] })), (error: unknown) => {
      assert.ok(error instanceof BackfillNotFoundError);
      assert.match(error.message, new RegExp(`^backfill: task ${taskId} does not exist \\(queue\\.(task|status) answered 404 ResourceNotFound\\)$`));
      assert.equal(JSON.parse(JSON.stringify(error)).taskId, taskId);
      return true;
    });
    const taskGroupId = slugid();
    await assert.rejects(lastValueFrom(backfill({ queue, taskGroupId })), new RegExp(`^BackfillNotFoundError: backfill: task group ${taskGroupId} does not exist`));
  });

  it('aborting stops the REST paging: no page after the abort, and the stream completes', async () => {
    const { taskGroupId } = fiftyTaskGroup();
    const controller = new AbortController();
    const pagesBefore = callsTo('listTaskGroup');
    const callsBefore = fake.calls.length;
    let received = 0;
    let callsAtAbort = 0;
    await new Promise<void>((resolve, reject) => {
      backfill({ queue, taskGroupId, pageSize: 5, signal: controller.signal }).subscribe({
        next: () => {
          if (++received === 1) {
            callsAtAbort = fake.calls.length;
            controller.abort();
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(received, 1, 'nothing after the abort');
    assert.equal(callsTo('listTaskGroup') - pagesBefore, 1, 'one page of the group, not 10');
    assert.equal(fake.calls.length, callsAtAbort, 'no request after the abort');
    console.log(`backfill abort: ${callsAtAbort - callsBefore} requests before the abort, none after`);

    // Unsubscribing too.
    const pagesThen = callsTo('listTaskGroup');
    await lastValueFrom(backfill({ queue, taskGroupId, pageSize: 5 }).pipe(take(1)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(callsTo('listTaskGroup') - pagesThen, 1);
  });

  it('refuses bad input before any request, naming the field', () => {
    const calls = fake.calls.length;
    const refuses = (options: unknown, field: string, rule: RegExp) =>
      assert.throws(() => backfill(options as never), (error: unknown) => error instanceof PulseConfigError && error.field === field && rule.test(error.message));
    const taskGroupId = slugid();
    refuses({ taskGroupId }, 'queue', /must be a Queue client/);
    refuses({ queue }, 'taskIds', /exactly one of taskIds, taskGroupId, taskGroupIds \(got none\)/);
    refuses({ queue, taskIds: [slugid()], taskGroupId }, 'taskGroupId', /got taskIds and taskGroupId/);
    refuses({ queue, taskGroupId: 'not a slug' }, 'taskGroupId', /must be a slugid/);
    refuses({ queue, taskIds: [slugid(), 'x.y'] }, 'taskIds[1]', /must be a slugid/);
    refuses({ queue, taskIds: [] }, 'taskIds', /non-empty array/);
    refuses({ queue, taskGroupId, window: { from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' } }, 'window.from', /must not be after window.to/);
    refuses({ queue, taskGroupId, window: { from: '2030-01-01T00:00:00Z', to: new Date('2030-01-01T00:00:00Z') } }, 'window', /is empty/);
    refuses({ queue, taskGroupId, window: { from: 'yesterday', to: new Date() } }, 'window.from', /must be a Date or an ISO 8601 time/);
    refuses({ queue, taskGroupId, pageSize: 0 }, 'pageSize', /integer 1-1000/);
    refuses({ queue, taskGroupId, bindings: [] }, 'bindings', /non-empty/);
    refuses({ queue, taskGroupId, bindings: [{ exchange: 'x' }] }, 'bindings[0]', /must be a binding/);
    refuses({ queue, taskGroupId, signal: {} }, 'signal', /AbortSignal/);
    assert.throws(() => runBackfill({ queue, taskGroupId, concurrency: 0 }, () => undefined), /concurrency: must be a positive integer/);
    assert.equal(fake.calls.length, calls, 'no request made');
  });
});

describe('runBackfill', () => {
  it('feeds every message to the handler, at most `concurrency` at once, one outcome each; a throwing handler gives a failed outcome', async () => {
    const { taskGroupId, expected } = fiftyTaskGroup();
    const total = [...expected.values()].reduce((sum, history) => sum + history.length, 0);
    let running = 0;
    let most = 0;
    const outcomes = await lastValueFrom(
      runBackfill({ queue, taskGroupId, concurrency: 4, pageSize: 10 }, async (message) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
        if (message.exchange.endsWith('/task-failed')) throw new Error('handler failed');
        return field(message, 'taskId');
      }).pipe(toArray()),
    );
    assert.equal(outcomes.length, total);
    assert.equal(most, 4);
    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    assert.equal(failed.length, 10);
    for (const outcome of outcomes) if (outcome.status === 'handled') assert.equal(outcome.result, field(outcome.message, 'taskId'));
  });

  it('aborting takes no further message; running handlers finish and report', async () => {
    const { taskGroupId } = fiftyTaskGroup();
    const controller = new AbortController();
    const pagesBefore = callsTo('listTaskGroup');
    const outcomes = await lastValueFrom(
      runBackfill({ queue, taskGroupId, concurrency: 2, pageSize: 5, signal: controller.signal }, async () => {
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 20));
        return 'done';
      }).pipe(toArray()),
    );
    assert.ok(outcomes.length >= 1 && outcomes.length <= 2, `${outcomes.length} outcomes`);
    assert.ok(outcomes.every((outcome) => outcome.status === 'handled'));
    assert.equal(callsTo('listTaskGroup') - pagesBefore, 1);
  });
});

describe('statusAt', () => {
  const base: TaskStatus = {
    taskId: 'fGyRbWp3TLmRzLkmy7D3tQ', provisionerId: 'p', workerType: 'w', taskQueueId: 'p/w', schedulerId: '-', projectId: 'none',
    taskGroupId: 'fGyRbWp3TLmRzLkmy7D3tQ', deadline: '2030-01-02T00:00:00.000Z', expires: '2031-01-02T00:00:00.000Z', priority: 'lowest',
    retriesLeft: 4, state: 'completed',
    runs: [
      { runId: 0, state: 'exception', reasonCreated: 'scheduled', reasonResolved: 'worker-shutdown', workerGroup: 'g', workerId: 'a',
        takenUntil: '2030-01-01T00:20:00.000Z', scheduled: '2030-01-01T00:00:00.000Z', started: '2030-01-01T00:01:00.000Z', resolved: '2030-01-01T00:05:00.000Z' },
      { runId: 1, state: 'completed', reasonCreated: 'retry', reasonResolved: 'completed', workerGroup: 'g', workerId: 'b',
        takenUntil: '2030-01-01T00:30:00.000Z', scheduled: '2030-01-01T00:05:00.000Z', started: '2030-01-01T00:06:00.000Z', resolved: '2030-01-01T00:09:00.000Z' },
    ],
  };

  it('an exception that makes a retry run carries it, pending, as the queue publishes both in one step', () => {
    const atException = statusAt(base, { exchange: 'taskException', runId: 0 });
    assert.equal(atException.state, 'pending');
    assert.deepEqual(atException.runs[1], { runId: 1, state: 'pending', reasonCreated: 'retry', scheduled: '2030-01-01T00:05:00.000Z' });
    assert.deepEqual(statusAt(base, { exchange: 'taskPending', runId: 1 }), atException);
  });

  it('running: not yet resolved; defined: unscheduled without runs; key order kept', () => {
    const running = statusAt(base, { exchange: 'taskRunning', runId: 1 });
    assert.equal(running.state, 'running');
    assert.deepEqual(Object.keys(running.runs[1]!), ['runId', 'state', 'reasonCreated', 'workerGroup', 'workerId', 'takenUntil', 'scheduled', 'started']);
    assert.deepEqual(statusAt(base, { exchange: 'taskDefined' }), { ...base, state: 'unscheduled', runs: [] });
    assert.equal(base.runs[1]!.state, 'completed', 'the status given is not changed');
    assert.throws(() => statusAt(base, { exchange: 'taskRunning', runId: 2 }), /has no run 2/);
  });
});
