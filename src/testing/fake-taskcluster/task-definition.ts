/**
 * Turns a createTask request into the stored task definition and its first
 * status, filling in defaults as the queue service does.
 */
import type { CreateTaskRequest, Task, TaskStatus } from '../../generated/types/queue.js';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_TASK_QUEUE = 'fake-provisioner/fake-worker';
export { SLUGID_PATTERN } from '../../rest/slugid.js';

/** Thrown for a request the queue would refuse (400 with `code`); the message says why. */
export class TaskInputError extends Error {
  override readonly name = 'TaskInputError';

  constructor(
    message: string,
    readonly code: 'InputError' | 'InputValidationError' | 'InvalidRequestArguments' = 'InputError',
  ) {
    super(message);
  }
}

/**
 * A createTask request from any of its fields, the rest made up: created
 * `now`, deadline a day later, task queue `fake-provisioner/fake-worker`,
 * metadata naming the task.
 */
export function fakeTaskRequest(taskId: string, definition: Partial<CreateTaskRequest>, now: Date): CreateTaskRequest {
  return {
    created: now.toJSON(),
    deadline: new Date(now.getTime() + DAY_MS).toJSON(),
    payload: {},
    ...(definition.provisionerId === undefined && definition.workerType === undefined ? { taskQueueId: DEFAULT_TASK_QUEUE } : {}),
    ...definition,
    metadata: {
      name: `task ${taskId}`,
      description: 'a task of the fake Taskcluster',
      owner: 'nobody@example.com',
      source: 'https://example.com/fake-taskcluster',
      ...definition.metadata,
    },
  };
}

/** The definition `queue.task(taskId)` answers with: the request plus the queue's defaults. */
export function taskDefinition(taskId: string, request: CreateTaskRequest, strict: boolean): Task {
  const { provisionerId, workerType, taskQueueId } = taskQueueOf(request, strict);
  const deadline = Date.parse(request.deadline);
  const expires = request.expires ?? (Number.isNaN(deadline) ? request.deadline : new Date(deadline + ONE_YEAR_MS).toJSON());
  if (strict && Date.parse(expires) < deadline) throw new TaskInputError('expires cannot be before deadline');
  return {
    ...request,
    provisionerId,
    workerType,
    taskQueueId,
    schedulerId: request.schedulerId ?? '-',
    projectId: request.projectId ?? 'none',
    taskGroupId: request.taskGroupId ?? taskId,
    dependencies: request.dependencies ?? [],
    requires: request.requires ?? 'all-completed',
    routes: request.routes ?? [],
    priority: request.priority ?? 'lowest',
    retries: request.retries ?? 5,
    expires,
    scopes: request.scopes ?? [],
    tags: request.tags ?? {},
    extra: request.extra ?? {},
  };
}

/** A new task's status: pending with run 0 scheduled, or unscheduled while it has dependencies. */
export function initialStatus(taskId: string, task: Task, now: Date): TaskStatus {
  const scheduled = task.dependencies.length === 0;
  return {
    taskId,
    provisionerId: task.provisionerId,
    workerType: task.workerType,
    taskQueueId: task.taskQueueId,
    schedulerId: task.schedulerId,
    projectId: task.projectId ?? 'none',
    taskGroupId: task.taskGroupId,
    deadline: task.deadline,
    expires: task.expires ?? task.deadline,
    priority: task.priority,
    retriesLeft: task.retries,
    state: scheduled ? 'pending' : 'unscheduled',
    runs: scheduled ? [{ runId: 0, state: 'pending', reasonCreated: 'scheduled', scheduled: now.toJSON() }] : [],
  };
}

/** `taskQueueId` is `<provisionerId>/<workerType>`; a request may give either form, or both if they agree. */
function taskQueueOf(request: CreateTaskRequest, strict: boolean): Pick<Task, 'provisionerId' | 'workerType' | 'taskQueueId'> {
  const { provisionerId, workerType, taskQueueId } = request;
  if (taskQueueId !== undefined) {
    const [fromQueue, ...rest] = taskQueueId.split('/');
    const typeFromQueue = rest.join('/');
    if (strict && ((provisionerId !== undefined && provisionerId !== fromQueue) || (workerType !== undefined && workerType !== typeFromQueue))) {
      throw new TaskInputError(`taskQueueId ${taskQueueId} does not match provisionerId/workerType ${provisionerId}/${workerType}`);
    }
    return { taskQueueId, provisionerId: fromQueue!, workerType: typeFromQueue };
  }
  if (provisionerId !== undefined && workerType !== undefined) return { provisionerId, workerType, taskQueueId: `${provisionerId}/${workerType}` };
  if (strict) throw new TaskInputError('a task needs taskQueueId, or provisionerId and workerType');
  // Unchecked mode takes what there is.
  const [provisioner, type] = [provisionerId ?? 'none', workerType ?? 'none'];
  return { provisionerId: provisioner, workerType: type, taskQueueId: `${provisioner}/${type}` };
}
