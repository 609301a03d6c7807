/**
 * The messages the queue publishes, built from a task or a few fields so a
 * test does not hand-write payloads: each builder gives `{fields, payload,
 * routes}` for `publisher.publish(QueueEvents, '<exchange>', message)`,
 * shaped as the queue service builds them (services/queue/src/exchanges.js:
 * routing-key fields read off the message, the task's routes as CC) and valid
 * against the exchange's schema.
 */
import type { ArtifactCreatedMessage, Task, TaskCompletedMessage, TaskStatus } from '../../generated/types/queue.js';
import type { QueueEvents } from '../../generated/exchanges/queue.js';
import { slugid } from '../../rest/slugid.js';
import type { EntryOf, ExchangeNameOf, PublishFields, PublishPayload } from '../publish-types.js';
import { advanceRun, taskOf, type RunDetails, type RunState, type TaskSource } from './task-runs.js';

/** An exchange of the queue: `'taskCompleted'`, `'taskGroupResolved'`, … */
export type QueueExchangeName = ExchangeNameOf<typeof QueueEvents>;

/** A message ready for `publisher.publish(QueueEvents, name, message)`. */
export interface QueueMessage<K extends QueueExchangeName> {
  readonly fields: PublishFields<EntryOf<typeof QueueEvents, K>>;
  readonly payload: PublishPayload<typeof QueueEvents, K>;
  /** The task's routes, published as CC `route.<route>`; none for task-group messages. */
  readonly routes: readonly string[];
}

type Priority = Task['priority'];

/** The artifact of an `artifactCreated` message. */
export interface CreatedArtifact {
  readonly name: string;
  /** Default `object` (the queue announces object, reference, link and error artifacts). */
  readonly storageType?: ArtifactCreatedMessage['artifact']['storageType'];
  /** Default `application/octet-stream`. */
  readonly contentType?: string;
  /** Default: when the task expires. */
  readonly expires?: string;
}

/** A task group, for the task-group exchanges: any of these fields (default: a new taskGroupId, schedulerId `-`). */
export interface TaskGroupSource {
  readonly taskGroupId?: string;
  readonly schedulerId?: string;
  /** Default: in a year. */
  readonly expires?: string;
  readonly sealed?: string;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Builders for every queue exchange, e.g.
 * `publisher.publish(QueueEvents, 'taskCompleted', queueMessages.taskCompleted({ taskId, routes }))`.
 * A task's status follows the event (its latest run pending, running or
 * resolved; a new run after a resolved one); pass `{status}` to continue
 * from a status, e.g. the payload of an earlier message or `fake.queue.status(taskId)`.
 */
export const queueMessages = {
  taskDefined(task: TaskSource = {}): QueueMessage<'taskDefined'> {
    const { status, tags, routes } = start(task);
    return { fields: statusFields(status), payload: { version: 1, status, task: { tags } }, routes };
  },

  taskPending(task: TaskSource = {}): QueueMessage<'taskPending'> {
    const { status, tags, routes } = start(task);
    const { runId } = advanceRun(status, 'pending');
    return { fields: { ...statusFields(status), runId }, payload: { version: 1, status, runId, task: { tags } }, routes };
  },

  taskRunning(task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskRunning'> {
    const { status, tags, routes } = start(task);
    const { runId, workerGroup = '', workerId = '', takenUntil = '' } = advanceRun(status, 'running', run);
    return {
      fields: { ...statusFields(status), runId, workerGroup, workerId },
      payload: { version: 1, status, runId, workerGroup, workerId, takenUntil, task: { tags } },
      routes,
    };
  },

  artifactCreated(task: TaskSource, artifact: CreatedArtifact, run: RunDetails = {}): QueueMessage<'artifactCreated'> {
    if (typeof artifact?.name !== 'string' || artifact.name === '') throw new TypeError('queueMessages.artifactCreated: artifact.name must be a non-empty string');
    const { status, routes } = start(task);
    const { runId, workerGroup = '', workerId = '' } = advanceRun(status, 'running', run);
    const created = {
      storageType: artifact.storageType ?? 'object',
      name: artifact.name,
      expires: artifact.expires ?? status.expires,
      contentType: artifact.contentType ?? 'application/octet-stream',
    };
    return {
      fields: { ...statusFields(status), runId, workerGroup, workerId },
      payload: { version: 1, status, runId, workerGroup, workerId, artifact: created },
      routes,
    };
  },

  taskCompleted: (task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskCompleted'> => resolved(task, 'completed', run),
  taskFailed: (task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskFailed'> => resolved(task, 'failed', run),
  taskException: (task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskException'> => resolved(task, 'exception', run),

  taskPriorityChanged(task: TaskSource, change: { readonly newPriority: Priority; readonly oldPriority?: Priority }): QueueMessage<'taskPriorityChanged'> {
    const { status, routes } = start(task);
    const oldPriority = change.oldPriority ?? status.priority ?? 'lowest';
    status.priority = change.newPriority;
    return { fields: statusFields(status), payload: { version: 1, status, oldPriority, newPriority: change.newPriority }, routes };
  },

  taskGroupResolved: (group: TaskGroupSource = {}): QueueMessage<'taskGroupResolved'> => groupMessage(group),
  taskGroupSealed: (group: TaskGroupSource = {}): QueueMessage<'taskGroupSealed'> => groupMessage({ sealed: new Date().toJSON(), ...group }),

  taskGroupPriorityChanged(
    group: Pick<TaskGroupSource, 'taskGroupId' | 'schedulerId'>,
    change: { readonly newPriority: Priority; readonly tasksAffected: number },
  ): QueueMessage<'taskGroupPriorityChanged'> {
    const { taskGroupId, schedulerId } = groupMessage(group).payload;
    return {
      fields: { taskGroupId, schedulerId },
      payload: { version: 1, taskGroupId, schedulerId, newPriority: change.newPriority, tasksAffected: change.tasksAffected },
      routes: [],
    };
  },
};

/** The message of the run `status` ended with (its latest), as `FakeQueue.resolveTask` returns it too. */
export function resolvedRunMessage(status: TaskStatus, tags: Task['tags'], routes: readonly string[]) {
  const { runId, workerGroup = '', workerId = '' } = status.runs.at(-1)!;
  // The three resolutions publish the same shape (exception's worker fields are optional in its schema).
  const payload: TaskCompletedMessage = { version: 1, status, runId, workerGroup, workerId, task: { tags } };
  return { fields: { ...statusFields(status), runId, workerGroup, workerId }, payload, routes: [...routes] };
}

function resolved(task: TaskSource, state: Exclude<RunState, 'pending' | 'running'>, run: RunDetails) {
  const { status, tags, routes } = start(task);
  advanceRun(status, state, run);
  return resolvedRunMessage(status, tags, routes);
}

function start(source: TaskSource): { status: TaskStatus; tags: Task['tags']; routes: readonly string[] } {
  const { task, status } = taskOf(source);
  return { status, tags: task.tags, routes: [...task.routes] };
}

/** The routing-key fields every task message takes from the status (commonRoutingKeyBuilder). */
function statusFields(status: TaskStatus) {
  const { taskId, provisionerId, workerType, schedulerId, taskGroupId } = status;
  return { taskId, provisionerId, workerType, schedulerId, taskGroupId };
}

function groupMessage(group: TaskGroupSource): QueueMessage<'taskGroupResolved'> {
  if (typeof group !== 'object' || group === null) throw new TypeError('task group must be an object: {taskGroupId?, schedulerId?, expires?, sealed?}');
  const taskGroupId = group.taskGroupId ?? slugid();
  const schedulerId = group.schedulerId ?? '-';
  const expires = group.expires ?? new Date(Date.now() + YEAR_MS).toJSON();
  const payload = { version: 1 as const, taskGroupId, schedulerId, expires, ...(group.sealed === undefined ? {} : { sealed: group.sealed }) };
  return { fields: { taskGroupId, schedulerId }, payload, routes: [] };
}
