/**
 * watchTaskGroup's parts without a broker: the per-task merge (forward
 * moves only, duplicates dropped, from snapshots and messages alike), the
 * group's resolution, and its arguments checked before any I/O.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PulseClient } from '../src/pulse/index.js';
import { Queue, slugid } from '../src/rest/index.js';
import { queueMessages } from '../src/testing/index.js';
import { TaskGroupState } from '../src/workflows/watch-task-group/task-group-state.js';
import { TaskGroupSnapshotError, watchTaskGroup } from '../src/workflows/index.js';

const taskGroupId = slugid();

/** A task's statuses as it goes: pending run 0, running, completed. */
function lifecycle() {
  const defined = queueMessages.taskDefined({ taskGroupId });
  const pending = queueMessages.taskPending({ status: defined.payload.status });
  const running = queueMessages.taskRunning({ status: pending.payload.status });
  const completed = queueMessages.taskCompleted({ status: running.payload.status });
  return { defined, pending, running, completed };
}

const shown = (events: readonly { readonly kind: string; readonly state?: string; readonly runId?: number | undefined }[]) =>
  events.map((e) => (e.kind === 'task' ? `${e.runId ?? '-'}/${e.state}` : e.kind));

describe('TaskGroupState', () => {
  test('only forward moves are shown: a late running or pending after completed, and duplicates, give nothing', () => {
    const state = new TaskGroupState(taskGroupId);
    const { pending, running, completed } = lifecycle();
    const steps = [
      state.task(completed.payload.status, 0, 'completed', 'live'),
      state.task(running.payload.status, 0, 'running', 'live'),
      state.task(pending.payload.status, 0, 'pending', 'live'),
      state.task(completed.payload.status, 0, 'completed', 'live'),
      state.listed(completed.payload.status),
    ];
    assert.deepEqual(steps.map(shown), [['0/completed'], [], [], [], []]);
    assert.equal(steps[0]![0]!.resolved, true);
  });

  test('in order, each step once; a new run after a resolved one is a move forward', () => {
    const state = new TaskGroupState(taskGroupId);
    const { defined, pending, running } = lifecycle();
    const shutdown = queueMessages.taskException({ status: running.payload.status }, { reasonResolved: 'worker-shutdown' });
    const rerun = queueMessages.taskPending({ status: shutdown.payload.status });
    const events = [
      ...state.task(defined.payload.status, undefined, 'unscheduled', 'live'),
      ...state.task(pending.payload.status, 0, 'pending', 'live'),
      ...state.listed(pending.payload.status),
      ...state.task(running.payload.status, 0, 'running', 'live'),
      ...state.task(shutdown.payload.status, 0, 'exception', 'live'),
      ...state.task(rerun.payload.status, 1, 'pending', 'live'),
      ...state.task(shutdown.payload.status, 0, 'exception', 'live'),
    ];
    assert.deepEqual(shown(events), ['-/unscheduled', '0/pending', '0/running', '0/exception', '1/pending']);
  });

  test('artifacts once per run and name', () => {
    const state = new TaskGroupState(taskGroupId);
    const { running } = lifecycle();
    const log = queueMessages.artifactCreated({ status: running.payload.status }, { name: 'public/log.txt' });
    const other = queueMessages.artifactCreated({ status: running.payload.status }, { name: 'public/other.txt' });
    const events = [...state.artifact(log.payload), ...state.artifact(log.payload), ...state.artifact(other.payload)];
    assert.deepEqual(events.map((e) => e.artifact.name), ['public/log.txt', 'public/other.txt']);
  });

  test('resolved once every task known is resolved, with counts; not for no task, nor with one unresolved', () => {
    const state = new TaskGroupState(taskGroupId);
    assert.equal(state.resolution('snapshot'), undefined, 'no task yet');
    const a = lifecycle();
    const b = lifecycle();
    state.listed(a.completed.payload.status);
    state.listed(b.running.payload.status);
    assert.equal(state.resolution('snapshot'), undefined, 'b is running');
    // A late, stale status does not take b back; its failure resolves the group.
    state.task(queueMessages.taskFailed({ status: b.running.payload.status }).payload.status, 0, 'failed', 'live');
    state.listed(b.pending.payload.status);
    assert.deepEqual(state.resolution('live'), { kind: 'resolved', taskGroupId, counts: { completed: 1, failed: 1, exception: 0 }, source: 'live' });
  });
});

describe('watchTaskGroup arguments', () => {
  const pulse = new PulseClient({ url: 'amqp://guest:guest@127.0.0.1:1' });
  const queue = new Queue({ rootUrl: 'http://127.0.0.1:1' });
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['taskGroupId', () => watchTaskGroup('not-a-slug', { queue, pulse }), /taskGroupId.*must be a slugid.*"not-a-slug"/],
    ['taskGroupId', () => watchTaskGroup(undefined as unknown as string, { queue, pulse }), /taskGroupId.*must be a slugid/],
    ['queue', () => watchTaskGroup(taskGroupId, { pulse } as never), /queue.*must be a Queue client/],
    ['pulse', () => watchTaskGroup(taskGroupId, { queue } as never), /pulse.*must be a PulseClient/],
    ['options', () => watchTaskGroup(taskGroupId, undefined as never), /options.*must be an object/],
    ['pageSize', () => watchTaskGroup(taskGroupId, { queue, pulse, pageSize: 0 }), /pageSize.*must be an integer 1-1000, got 0/],
    ['exchangePrefix', () => watchTaskGroup(taskGroupId, { queue, pulse, exchangePrefix: 'exchange/x' }), /exchangePrefix.*ending in "\/"/],
    ['queueName', () => watchTaskGroup(taskGroupId, { queue, pulse, queueName: 'queue/guest/x' }), /queueName.*give the short name/],
  ];
  for (const [field, call, rule] of cases) {
    test(`${field}: PulseConfigError naming it, thrown before any I/O (${rule.source.slice(0, 40)})`, () => {
      assert.throws(call, (error: Error & { field?: string }) => {
        assert.equal(error.name, 'PulseConfigError');
        assert.equal(error.field, field);
        assert.match(error.message, rule);
        return true;
      });
      assert.equal(pulse.connected, false);
    });
  }
});

describe('TaskGroupSnapshotError', () => {
  test('toJSON: name, message, taskGroupId, reason and a cause summary, with the credentials a cause quotes masked', () => {
    const leaky = new Error('GET https://tc.example.com/api/queue/v1/task-group/x/list?bewit=c2VjcmV0LW1hYw== failed via amqps://bot:s3cret-pw@pulse.example.com:5671/');
    const error = new TaskGroupSnapshotError(taskGroupId, 'confirm', { cause: leaky });
    const json = JSON.parse(JSON.stringify(error));
    assert.equal(json.name, 'TaskGroupSnapshotError');
    assert.equal(json.taskGroupId, taskGroupId);
    assert.equal(json.reason, 'confirm');
    assert.match(json.message, new RegExp(`^watchTaskGroup\\(${taskGroupId}\\): listing the task group \\(confirm\\) failed: GET `));
    assert.equal(json.cause.name, 'Error');
    const text = `${JSON.stringify(error)} ${error.message}`;
    for (const secret of ['s3cret-pw', 'c2VjcmV0LW1hYw==']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  });
});
