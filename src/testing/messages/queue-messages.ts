/**
 * The messages the queue publishes, built from a task or a few fields so a
 * test does not hand-write payloads: each builder gives `{fields, payload,
 * routes}` for `publisher.publish(QueueEvents, '<exchange>', message)`,
 * shaped as the queue service builds them (services/queue/src/exchanges.js:
 * routing-key fields read off the message, the task's routes as CC) and valid
 * against the exchange's schema.
 */
import type { ArtifactCreatedMessage, Task, TaskStatus } from '../../generated/types/queue.js';
import type { QueueEvents } from '../../generated/exchanges/queue.js';
import { slugid } from '../../rest/slugid.js';
import {
  artifactMessage,
  definedMessage,
  groupMessage as coreGroupMessage,
  pendingMessage,
  resolvedMessage,
  runningMessage,
  statusAt,
  type TaskContents,
} from '../../workflows/backfill/task-messages.js';
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
  /** The queue publishes it before scheduling the task: its status `unscheduled`, without runs. */
  taskDefined(task: TaskSource = {}): QueueMessage<'taskDefined'> {
    const { status, contents } = start(task);
    return definedMessage(statusAt(status, { exchange: 'taskDefined' }), contents);
  },

  taskPending(task: TaskSource = {}): QueueMessage<'taskPending'> {
    const { status, contents } = start(task);
    return pendingMessage(status, contents, advanceRun(status, 'pending').runId);
  },

  taskRunning(task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskRunning'> {
    const { status, contents } = start(task);
    return runningMessage(status, contents, advanceRun(status, 'running', run));
  },

  artifactCreated(task: TaskSource, artifact: CreatedArtifact, run: RunDetails = {}): QueueMessage<'artifactCreated'> {
    if (typeof artifact?.name !== 'string' || artifact.name === '') throw new TypeError('queueMessages.artifactCreated: artifact.name must be a non-empty string');
    const { status, contents } = start(task);
    const created = {
      storageType: artifact.storageType ?? 'object',
      name: artifact.name,
      expires: artifact.expires ?? status.expires,
      contentType: artifact.contentType ?? 'application/octet-stream',
    };
    return artifactMessage(status, contents, advanceRun(status, 'running', run), created);
  },

  taskCompleted: (task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskCompleted'> => resolved(task, 'completed', run),
  taskFailed: (task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskFailed'> => resolved(task, 'failed', run),
  taskException: (task: TaskSource = {}, run: RunDetails = {}): QueueMessage<'taskException'> => resolved(task, 'exception', run),

  taskPriorityChanged(task: TaskSource, change: { readonly newPriority: Priority; readonly oldPriority?: Priority }): QueueMessage<'taskPriorityChanged'> {
    const { status, contents } = start(task);
    const oldPriority = change.oldPriority ?? status.priority ?? 'lowest';
    status.priority = change.newPriority;
    const { taskId, provisionerId, workerType, schedulerId, taskGroupId } = status;
    const fields = { taskId, provisionerId, workerType, schedulerId, taskGroupId };
    return { fields, payload: { version: 1, status, oldPriority, newPriority: change.newPriority }, routes: contents.routes };
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
  const message = resolvedMessage(status, { tags, routes }, status.runs.at(-1)!);
  // advanceRun gives every resolved run a worker, so the worker fields are always there.
  return message as typeof message & { readonly fields: Required<(typeof message)['fields']> };
}

function resolved(task: TaskSource, state: Exclude<RunState, 'pending' | 'running'>, run: RunDetails) {
  const { status, contents } = start(task);
  advanceRun(status, state, run);
  return resolvedRunMessage(status, contents.tags, contents.routes);
}

function start(source: TaskSource): { status: TaskStatus; contents: TaskContents } {
  const { task, status } = taskOf(source);
  return { status, contents: { tags: task.tags, routes: [...task.routes] } };
}

function groupMessage(group: TaskGroupSource): QueueMessage<'taskGroupResolved'> {
  if (typeof group !== 'object' || group === null) throw new TypeError('task group must be an object: {taskGroupId?, schedulerId?, expires?, sealed?}');
  const taskGroupId = group.taskGroupId ?? slugid();
  const schedulerId = group.schedulerId ?? '-';
  const expires = group.expires ?? new Date(Date.now() + YEAR_MS).toJSON();
  return coreGroupMessage({ taskGroupId, schedulerId, expires, ...(group.sealed === undefined ? {} : { sealed: group.sealed }) });
}
