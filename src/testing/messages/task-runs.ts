/**
 * A task's status as the queue changes it: made from a few fields (or taken
 * as given), then moved along its latest run (pending → running → resolved).
 * The message builders and the fake queue's `resolveTask` both use these, so
 * what the fake stores and what it announces cannot disagree.
 */
import type { Task, TaskStatus } from '../../generated/types/queue.js';
import { slugid } from '../../rest/slugid.js';
import { fakeTaskRequest, initialStatus, taskDefinition } from '../fake-taskcluster/task-definition.js';

type Run = TaskStatus['runs'][number];
export type RunState = 'pending' | 'running' | 'completed' | 'failed' | 'exception';

/**
 * A task for a message: any fields of its definition (spread one from
 * `queue.task(taskId)`), its `taskId` (default: a new slugid), and its
 * `status` when it should be exactly that (e.g. from the fake queue).
 */
export type TaskSource = Partial<Task> & {
  readonly taskId?: string;
  readonly status?: TaskStatus;
};

/** The worker and the run's outcome, for messages about a run. */
export interface RunDetails {
  /** Default `fake-worker-group`. */
  readonly workerGroup?: string;
  /** Default `fake-worker-1`. */
  readonly workerId?: string;
  /** For resolved runs; default the resolution itself, `internal-error` for an exception. */
  readonly reasonResolved?: Run['reasonResolved'];
}

const CLAIM_MS = 20 * 60 * 1000;

/** The task's definition and status (a copy of `source.status` when given). */
export function taskOf(source: TaskSource): { taskId: string; task: Task; status: TaskStatus } {
  if (typeof source !== 'object' || source === null) throw new TypeError('task must be an object: a taskId and any task fields, or {status}');
  const taskId = source.status?.taskId ?? source.taskId ?? slugid();
  if (typeof taskId !== 'string' || taskId === '') throw new TypeError('task.taskId must be a non-empty string');
  const { taskId: _taskId, status: given, ...definition } = source;
  const now = new Date();
  const fromStatus = given ? { taskQueueId: given.taskQueueId, schedulerId: given.schedulerId, taskGroupId: given.taskGroupId } : {};
  const task = taskDefinition(taskId, fakeTaskRequest(taskId, { ...definition, ...fromStatus }, now), false);
  return { taskId, task, status: given ? structuredClone(given) : initialStatus(taskId, task, now) };
}

/**
 * Moves `status` (in place) to `state` on its latest run: a resolved (or
 * missing) run is followed by a new one, as a rerun is. Returns that run.
 */
export function advanceRun(status: TaskStatus, state: RunState, details: RunDetails = {}, now = new Date()): Run {
  const at = now.toJSON();
  const runs = status.runs;
  let run = runs.at(-1);
  if (run === undefined || run.resolved !== undefined) {
    run = { runId: runs.length, state: 'pending', reasonCreated: runs.length === 0 ? 'scheduled' : 'rerun', scheduled: at };
    runs.push(run);
  }
  if (state !== 'pending') {
    Object.assign(run, {
      started: run.started ?? at,
      // A run already running keeps its claim: continuing from a status changes nothing that happened.
      takenUntil: state !== 'running' ? at : run.state === 'running' && run.takenUntil !== undefined ? run.takenUntil : new Date(now.getTime() + CLAIM_MS).toJSON(),
      workerGroup: details.workerGroup ?? run.workerGroup ?? 'fake-worker-group',
      workerId: details.workerId ?? run.workerId ?? 'fake-worker-1',
    });
  }
  if (state !== 'pending' && state !== 'running') {
    Object.assign(run, { reasonResolved: details.reasonResolved ?? (state === 'exception' ? 'internal-error' : state), resolved: at });
  }
  run.state = state;
  status.state = state;
  return run;
}
