/**
 * The queue service of the fake deployment: tasks kept in memory, answered
 * as the real queue answers `task`, `status`, `listTaskGroup`, `getTaskGroup`, `createTask`
 * and the artifact methods (fake-artifacts.ts). Tests set up tasks directly
 * (`addTask`, `resolveTask`, `addArtifact`) and bots see them over HTTP.
 */
import { randomBytes } from 'node:crypto';
import type {
  CreateTaskRequest,
  ListTaskGroupResponse,
  Task,
  TaskCompletedMessage,
  TaskExceptionMessage,
  TaskFailedMessage,
  TaskGroupResponse,
  TaskStatus,
} from '../../generated/types/queue.js';
import { MessageValidationError } from '../publish-errors.js';
import { packageValidator, type MessageValidator } from '../message-validator.js';
import type { Credentials } from '../../rest/options.js';
import { errorAnswer, type ApiCall, type FakeAnswer } from './api-call.js';
import { resolvedRunMessage } from '../messages/queue-messages.js';
import { advanceRun } from '../messages/task-runs.js';
import { FakeArtifactStore, type FakeArtifact } from './fake-artifacts.js';
import { FakeObjectService } from './fake-object-service.js';
import { FakeStorage } from './fake-storage.js';
import { fakeTaskRequest, initialStatus, SLUGID_PATTERN, taskDefinition, TaskInputError } from './task-definition.js';

export interface FakeQueueOptions {
  /**
   * Check createTask requests against the queue's schema and rules, as the
   * real queue does (400 InputValidationError / InputError). Default true.
   */
  readonly validate?: boolean;
  /**
   * The queue's own credentials: they sign the download credentials of
   * `object` artifacts. Default: made up (`startFakeTaskcluster` gives its own,
   * so its server accepts them).
   */
  readonly credentials?: Credentials;
  /** Keeps `s3` artifact content. Default: one not started (content artifacts then have no URL). */
  readonly storage?: FakeStorage;
  /** Keeps `object` artifact content. Default: one on `storage`. */
  readonly objects?: FakeObjectService;
}

/** A task for `addTask`: any createTask field; the rest is filled in. */
export type FakeTaskInput = Partial<CreateTaskRequest>;

/** How a run ends, for `resolveTask`. */
export interface ResolveOptions {
  readonly workerGroup?: string;
  readonly workerId?: string;
  /** Default: the resolution for completed/failed, `internal-error` for exception. */
  readonly reasonResolved?: TaskStatus['runs'][number]['reasonResolved'];
}

/** How a run can end. */
export type Resolution = 'completed' | 'failed' | 'exception';

/**
 * The routing-key fields of the queue's task-run messages (taskCompleted,
 * taskFailed, taskException). A type, not an interface, so it fits
 * `Record<string, string | number>` parameters.
 */
export type TaskRunFields = {
  readonly taskId: string;
  readonly runId: number;
  readonly workerGroup: string;
  readonly workerId: string;
  readonly provisionerId: string;
  readonly workerType: string;
  readonly schedulerId: string;
  readonly taskGroupId: string;
};

/**
 * What the queue publishes when a run is resolved, ready for
 * `publisher.publish(QueueEvents, 'taskCompleted', message)` (or
 * `taskFailed` / `taskException`).
 */
export interface ResolvedRunMessage<R extends Resolution = Resolution> {
  readonly fields: TaskRunFields;
  readonly payload: R extends 'completed' ? TaskCompletedMessage : R extends 'failed' ? TaskFailedMessage : TaskExceptionMessage;
  /** The task's routes: published as CC `route.<route>`. */
  readonly routes: readonly string[];
}

interface TaskRecord {
  task: Task;
  status: TaskStatus;
}

const CREATE_TASK_SCHEMA = '/schemas/queue/v1/create-task-request.json';
const MAX_PAGE = 1000;

export class FakeQueue {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly validator: MessageValidator | undefined;
  private readonly artifacts: FakeArtifactStore;

  constructor(options: FakeQueueOptions = {}) {
    this.validator = options.validate === false ? undefined : packageValidator();
    const issuer = options.credentials ?? { clientId: 'fake-queue', accessToken: randomBytes(24).toString('base64url') };
    const storage = options.storage ?? new FakeStorage();
    this.artifacts = new FakeArtifactStore((taskId) => this.tasks.get(taskId)?.status, issuer, storage, options.objects ?? new FakeObjectService(storage));
  }

  /**
   * Adds a task as if createTask had been called, with defaults for what is
   * left out (created now, deadline in a day, a made-up task queue and
   * metadata). Returns copies of the stored definition and status.
   */
  addTask(taskId: string, definition: FakeTaskInput = {}): { task: Task; status: TaskStatus } {
    if (typeof taskId !== 'string' || taskId === '') throw new TypeError('FakeQueue.addTask: taskId must be a non-empty string');
    const request = fakeTaskRequest(taskId, definition, new Date());
    const record = this.define(taskId, request, 'FakeQueue.addTask');
    return { task: structuredClone(record.task), status: structuredClone(record.status) };
  }

  /** The stored definition (a copy), or undefined. */
  task(taskId: string): Task | undefined {
    const record = this.tasks.get(taskId);
    return record && structuredClone(record.task);
  }

  /** The current status (a copy), or undefined. */
  status(taskId: string): TaskStatus | undefined {
    const record = this.tasks.get(taskId);
    return record && structuredClone(record.status);
  }

  /** Ids of all tasks, in the order they were added. */
  taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  /**
   * Runs the task on a worker and resolves the run: the pending run (or a new
   * one) becomes `resolution`, as does the task. Returns the message the queue
   * publishes for it on task-completed / task-failed / task-exception.
   */
  resolveTask<R extends Resolution>(taskId: string, resolution: R, options: ResolveOptions = {}): ResolvedRunMessage<R> {
    const record = this.record(taskId, 'FakeQueue.resolveTask');
    if (!['completed', 'failed', 'exception'].includes(resolution)) {
      throw new TypeError(`FakeQueue.resolveTask: resolution must be completed, failed or exception, got ${String(resolution)}`);
    }
    advanceRun(record.status, resolution, options);
    const message = resolvedRunMessage(structuredClone(record.status), record.task.tags, record.task.routes);
    return { ...message, payload: message.payload as ResolvedRunMessage<R>['payload'] };
  }

  /**
   * A worker claims the task: its pending run (or a new one) becomes
   * `running`, so the bot may create artifacts on it. Returns the run's id.
   */
  startRun(taskId: string, options: Pick<ResolveOptions, 'workerGroup' | 'workerId'> = {}): number {
    const record = this.record(taskId, 'FakeQueue.startRun');
    return advanceRun(record.status, 'running', options).runId;
  }

  /**
   * Stores an artifact of a run (default the latest): content the fake serves
   * (`s3`, the default, or `object`), a `reference` to a URL, or an `error`.
   * The queue's artifact methods answer from these.
   */
  addArtifact(taskId: string, name: string, artifact: FakeArtifact): void {
    this.artifacts.add(taskId, name, artifact);
  }

  /** Answers a queue API call; undefined for methods this fake does not implement. */
  readonly answer = (call: ApiCall): FakeAnswer | undefined => {
    const handler = this.handlers[call.method] ?? this.artifacts.handlers[call.method];
    return handler?.(call);
  };


  private readonly handlers: Readonly<Record<string, (call: ApiCall) => FakeAnswer>> = {
    ping: () => ({ status: 200, body: { alive: true, uptime: process.uptime() } }),
    task: (call) => this.withTask(call, (record) => ({ status: 200, body: record.task })),
    status: (call) => this.withTask(call, (record) => ({ status: 200, body: { status: record.status } })),
    createTask: (call) => this.createTask(call),
    listTaskGroup: (call) => this.listTaskGroup(call),
    getTaskGroup: (call) => this.getTaskGroup(call),
  };

  private createTask(call: ApiCall): FakeAnswer {
    const taskId = call.params.taskId!;
    const existing = this.tasks.get(taskId);
    let candidate: Task;
    try {
      candidate = this.definition(taskId, call.body as CreateTaskRequest, 'queue.createTask');
    } catch (error) {
      if (error instanceof TaskInputError) return errorAnswer(call, 400, error.code, error.message);
      throw error;
    }
    if (existing) {
      // createTask is idempotent: the same definition again is fine, another one conflicts.
      if (JSON.stringify(existing.task) !== JSON.stringify(candidate)) {
        return errorAnswer(call, 409, 'RequestConflict', `taskId ${taskId} already used by another task`);
      }
      return { status: 200, body: { status: existing.status } };
    }
    const record = this.store(taskId, candidate);
    return { status: 200, body: { status: record.status } };
  }

  /** The group's scheduler and when it expires (its last task's expiry); the fake does not seal groups. */
  private getTaskGroup(call: ApiCall): FakeAnswer {
    const taskGroupId = call.params.taskGroupId!;
    const members = this.groupMembers(taskGroupId);
    if (members.length === 0) return noTaskGroup(call, taskGroupId);
    const body: TaskGroupResponse = { taskGroupId, schedulerId: members[0]![1].task.schedulerId, expires: lastExpiry(members) };
    return { status: 200, body };
  }

  private listTaskGroup(call: ApiCall): FakeAnswer {
    const taskGroupId = call.params.taskGroupId!;
    const members = this.groupMembers(taskGroupId);
    if (members.length === 0) return noTaskGroup(call, taskGroupId);
    const token = call.query.get('continuationToken');
    const start = token === null ? 0 : Number(token);
    if (!Number.isSafeInteger(start) || start < 0) return errorAnswer(call, 400, 'InputError', 'continuationToken is not valid');
    const limitText = call.query.get('limit');
    const limit = limitText === null ? MAX_PAGE : Math.min(Number(limitText), MAX_PAGE);
    if (!Number.isSafeInteger(limit) || limit < 1) return errorAnswer(call, 400, 'InputError', 'limit must be a positive integer');
    const page = members.slice(start, start + limit);
    const body: ListTaskGroupResponse = {
      taskGroupId,
      schedulerId: members[0]![1].task.schedulerId,
      expires: lastExpiry(members),
      tasks: page.map(([, record]) => ({ task: record.task, status: record.status })),
      ...(start + limit < members.length ? { continuationToken: String(start + limit) } : {}),
    };
    return { status: 200, body };
  }

  private groupMembers(taskGroupId: string): [string, TaskRecord][] {
    return [...this.tasks].filter(([, record]) => record.task.taskGroupId === taskGroupId);
  }

  private withTask(call: ApiCall, answer: (record: TaskRecord) => FakeAnswer): FakeAnswer {
    const taskId = call.params.taskId!;
    const record = this.tasks.get(taskId);
    if (!record) {
      return errorAnswer(call, 404, 'ResourceNotFound', `\`${taskId}\` does not correspond to a task that exists. Are you sure this task has already been submitted?`);
    }
    return answer(record);
  }

  /** The stored form of a createTask request; throws TaskInputError saying what the queue would refuse. */
  private definition(taskId: string, request: CreateTaskRequest, where: string): Task {
    if (this.validator && !SLUGID_PATTERN.test(taskId)) {
      throw new TaskInputError(`taskId must be a slugid (${SLUGID_PATTERN.source}), got "${taskId}"`, 'InvalidRequestArguments');
    }
    try {
      this.validator?.validate(where, CREATE_TASK_SCHEMA, request);
    } catch (error) {
      if (!(error instanceof MessageValidationError)) throw error;
      const violations = error.violations.map((v) => `${v.path === '' ? '(task)' : v.path} ${v.rule}`).join('; ');
      throw new TaskInputError(`task ${taskId} does not match ${CREATE_TASK_SCHEMA}: ${violations}`, 'InputValidationError');
    }
    return taskDefinition(taskId, request, this.validator !== undefined);
  }

  private define(taskId: string, request: CreateTaskRequest, where: string): TaskRecord {
    if (this.tasks.has(taskId)) throw new TypeError(`${where}: task ${taskId} exists already`);
    try {
      return this.store(taskId, this.definition(taskId, request, where));
    } catch (error) {
      throw error instanceof TaskInputError ? new TypeError(`${where}: ${error.message}`) : error;
    }
  }

  private store(taskId: string, task: Task): TaskRecord {
    const record: TaskRecord = { task, status: initialStatus(taskId, task, new Date()) };
    this.tasks.set(taskId, record);
    return record;
  }

  private record(taskId: string, where: string): TaskRecord {
    const record = this.tasks.get(taskId);
    if (!record) throw new TypeError(`${where}: no task ${taskId}; add it with addTask first`);
    return record;
  }
}

function noTaskGroup(call: ApiCall, taskGroupId: string): FakeAnswer {
  return errorAnswer(call, 404, 'ResourceNotFound', `No task-group with taskGroupId: \`${taskGroupId}\``);
}

function lastExpiry(members: readonly [string, TaskRecord][]): string {
  return members.map(([, record]) => record.status.expires).sort().at(-1)!;
}
