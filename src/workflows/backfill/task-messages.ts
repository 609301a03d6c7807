/**
 * The queue's task messages, built from a task's status as the queue service
 * builds them (services/queue/src: exchanges.js takes the routing-key fields
 * from the status and the message, the task's routes become CC
 * `route.<route>`, the payload carries the task's `tags`). Backfill rebuilds
 * history with these, and the test kit's `queueMessages` builds with them, so
 * the two cannot drift apart.
 */
import type {
  ArtifactCreatedMessage,
  Task,
  TaskCompletedMessage,
  TaskDefinedMessage,
  TaskExceptionMessage,
  TaskFailedMessage,
  TaskGroupChangedMessage,
  TaskGroupResponse,
  TaskPendingMessage,
  TaskRunningMessage,
  TaskStatus,
} from '../../generated/types/queue.js';

/** A run of a task's status. */
export type TaskRun = TaskStatus['runs'][number];

/** The queue's exchanges about one task that backfill rebuilds. */
export type TaskExchangeName = 'taskDefined' | 'taskPending' | 'taskRunning' | 'artifactCreated' | 'taskCompleted' | 'taskFailed' | 'taskException';

/** How a run ends. */
export type RunResolution = 'completed' | 'failed' | 'exception';

/** What of a task's definition its messages carry: tags in the payload, routes as CC. */
export interface TaskContents {
  readonly tags: Task['tags'];
  readonly routes: readonly string[];
}

/** The artifact of an `artifactCreated` message, as the queue serializes it (and lists it). */
export type MessageArtifact = ArtifactCreatedMessage['artifact'];

/**
 * The routing-key fields every task message takes from the status (the
 * queue's commonRoutingKeyBuilder). A type, not an interface, so it fits
 * `Record<string, string | number>`.
 */
export type StatusFields = {
  readonly taskId: string;
  readonly provisionerId: string;
  readonly workerType: string;
  readonly schedulerId: string;
  readonly taskGroupId: string;
};

/** A message's routing-key fields (absent ones are published as `_`), payload and routes. */
export interface TaskMessage<Fields, Payload> {
  readonly fields: Fields;
  readonly payload: Payload;
  /** The task's routes, published as CC `route.<route>`. */
  readonly routes: readonly string[];
}

type RunFields = StatusFields & { readonly runId: number };
type WorkerFields = RunFields & { readonly workerGroup: string; readonly workerId: string };
/** A run resolved before a worker claimed it (deadline, cancel) has no worker: its fields are then `_`. */
type ResolvedFields = RunFields & { readonly workerGroup?: string; readonly workerId?: string };

/** `taskDefined`: published by createTask with the status before scheduling (see {@link statusAt}). */
export function definedMessage(status: TaskStatus, task: TaskContents): TaskMessage<StatusFields, TaskDefinedMessage> {
  return { fields: statusFields(status), payload: { version: 1, status, task: { tags: task.tags } }, routes: [...task.routes] };
}

/** `taskPending` for run `runId`: no worker yet, so those fields are `_`. */
export function pendingMessage(status: TaskStatus, task: TaskContents, runId: number): TaskMessage<RunFields, TaskPendingMessage> {
  return { fields: { ...statusFields(status), runId }, payload: { version: 1, status, runId, task: { tags: task.tags } }, routes: [...task.routes] };
}

/** `taskRunning` for `run`, claimed by its worker until its `takenUntil`. */
export function runningMessage(status: TaskStatus, task: TaskContents, run: TaskRun): TaskMessage<WorkerFields, TaskRunningMessage> {
  const { runId, workerGroup = '', workerId = '', takenUntil = '' } = run;
  return {
    fields: { ...statusFields(status), runId, workerGroup, workerId },
    payload: { version: 1, status, runId, workerGroup, workerId, takenUntil, task: { tags: task.tags } },
    routes: [...task.routes],
  };
}

/** `artifactCreated` for `artifact` of `run` (the worker that created it is the run's). */
export function artifactMessage(
  status: TaskStatus,
  task: TaskContents,
  run: TaskRun,
  artifact: MessageArtifact,
): TaskMessage<WorkerFields, ArtifactCreatedMessage> {
  const { runId, workerGroup = '', workerId = '' } = run;
  const { storageType, name, expires, contentType } = artifact;
  return {
    fields: { ...statusFields(status), runId, workerGroup, workerId },
    payload: { version: 1, status, runId, workerGroup, workerId, artifact: { storageType, name, expires, contentType } },
    routes: [...task.routes],
  };
}

/**
 * `taskCompleted`, `taskFailed` or `taskException` for `run`: the three carry
 * one shape; the worker only when the run had one (the queue picks
 * `workerGroup`/`workerId` off the run).
 */
export function resolvedMessage(
  status: TaskStatus,
  task: TaskContents,
  run: TaskRun,
): TaskMessage<ResolvedFields, TaskCompletedMessage & TaskFailedMessage & TaskExceptionMessage> {
  const { runId, workerGroup, workerId } = run;
  const worker = workerGroup === undefined || workerId === undefined ? {} : { workerGroup, workerId };
  return {
    fields: { ...statusFields(status), runId, ...worker },
    payload: { version: 1, status, runId, ...worker, task: { tags: task.tags } } as TaskCompletedMessage & TaskFailedMessage & TaskExceptionMessage,
    routes: [...task.routes],
  };
}

/** `taskGroupResolved` (and `taskGroupSealed`): the group as `getTaskGroup` answers; no routes. */
export function groupMessage(group: TaskGroupResponse): TaskMessage<{ readonly taskGroupId: string; readonly schedulerId: string }, TaskGroupChangedMessage> {
  const { taskGroupId, schedulerId, expires, sealed } = group;
  const payload = { version: 1 as const, taskGroupId, schedulerId, expires, ...(sealed === undefined ? {} : { sealed }) };
  return { fields: { taskGroupId, schedulerId }, payload, routes: [] };
}

/** Which event of a task a status snapshot is for. */
export type TaskEvent =
  | { readonly exchange: 'taskDefined' }
  | { readonly exchange: Exclude<TaskExchangeName, 'taskDefined'>; readonly runId: number };

/**
 * The task's status as the queue published it with `event`, from a later
 * status: runs after the event's run left out, that run as it was then
 * (pending: not yet claimed; running: not yet resolved), the task's state the
 * run's. The queue adds a `retry` run in the same step that resolves a run
 * as exception, so both messages of that step carry it, pending. `taskDefined`
 * carries the status before scheduling: `unscheduled`, no runs. What the
 * status cannot tell stays as it is now: `retriesLeft`, `priority`, and a
 * run's `takenUntil` (reclaims move it).
 */
export function statusAt(status: TaskStatus, event: TaskEvent): TaskStatus {
  if (event.exchange === 'taskDefined') return { ...status, state: 'unscheduled', runs: [] };
  const run = status.runs[event.runId];
  if (run === undefined) throw new RangeError(`task ${status.taskId} has no run ${event.runId}`);
  const state = runStateAt(run, event.exchange);
  const runs = [...status.runs.slice(0, event.runId).map((earlier) => ({ ...earlier })), runAt(run, state)];
  const next = status.runs[event.runId + 1];
  if (next?.reasonCreated === 'retry' && state === 'exception') runs.push(runAt(next, 'pending'));
  return { ...status, state: runs.at(-1)!.state, runs };
}

function runStateAt(run: TaskRun, exchange: Exclude<TaskExchangeName, 'taskDefined'>): TaskRun['state'] {
  switch (exchange) {
    case 'taskPending':
      return 'pending';
    case 'taskRunning':
    case 'artifactCreated':
      return 'running';
    default:
      return run.state;
  }
}

/** A copy of `run` as it was in `state`: what it gained later left out (key order kept, so the JSON is the queue's). */
function runAt(run: TaskRun, state: TaskRun['state']): TaskRun {
  const copy: { -readonly [K in keyof TaskRun]: TaskRun[K] } = { ...run, state };
  if (state === 'pending' || state === 'running') {
    delete copy.reasonResolved;
    delete copy.resolved;
  }
  if (state === 'pending') {
    delete copy.started;
    delete copy.takenUntil;
    delete copy.workerGroup;
    delete copy.workerId;
  }
  return copy;
}

function statusFields(status: TaskStatus): StatusFields {
  const { taskId, provisionerId, workerType, schedulerId, taskGroupId } = status;
  return { taskId, provisionerId, workerType, schedulerId, taskGroupId };
}
