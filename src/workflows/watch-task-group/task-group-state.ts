import type { ArtifactCreatedMessage, TaskStatus } from '../../generated/types/queue.js';
import type { ArtifactEvent, TaskGroupEventSource, GroupResolvedEvent, TaskState, TaskStateEvent } from './task-group-events.js';
import { isAhead, positionOf, RESOLVED_STATES, statusPosition, type Position } from './task-positions.js';

/** What the watch knows of one task. */
interface TaskRecord {
  /** The last (task, run, state) emitted. */
  emitted: Position | undefined;
  /** The most advanced status seen, whichever news brought it. */
  latest: TaskStatus;
  latestPosition: Position;
}

/**
 * The merged state of a task group, from snapshots and live messages in any
 * order and with duplicates: each call returns the events to emit, only for
 * news that moves a task forward, so each (task, run, state) is emitted once
 * and a late `running` after `completed` is dropped.
 */
export class TaskGroupState {
  readonly #tasks = new Map<string, TaskRecord>();
  /** `taskId/runId/name` of the artifacts emitted. */
  readonly #artifacts = new Set<string>();

  constructor(readonly taskGroupId: string) {}

  /** A task's news: `state` of run `runId`, with the status that came with it. */
  task(status: TaskStatus, runId: number | undefined, state: TaskState, source: TaskGroupEventSource): TaskStateEvent[] {
    const record = this.#remember(status);
    const position = positionOf(runId, state);
    if (!isAhead(position, record.emitted)) return [];
    record.emitted = position;
    return [{ kind: 'task', taskId: status.taskId, runId, state, resolved: RESOLVED_STATES.has(status.state), status, source }];
  }

  /** A task as the queue lists it: its latest run's state. */
  listed(status: TaskStatus): TaskStateEvent[] {
    return this.task(status, status.runs.at(-1)?.runId, status.state, 'snapshot');
  }

  artifact(message: ArtifactCreatedMessage): ArtifactEvent[] {
    const { status, runId, artifact } = message;
    this.#remember(status);
    const key = `${status.taskId}/${runId}/${artifact.name}`;
    if (this.#artifacts.has(key)) return [];
    this.#artifacts.add(key);
    return [{ kind: 'artifact', taskId: status.taskId, runId, artifact, status, source: 'live' }];
  }

  /** Every task known is resolved (and there is at least one): the group's outcome, else undefined. */
  resolution(source: TaskGroupEventSource): GroupResolvedEvent | undefined {
    if (this.#tasks.size === 0) return undefined;
    const counts = { completed: 0, failed: 0, exception: 0 };
    for (const { latest } of this.#tasks.values()) {
      if (latest.state !== 'completed' && latest.state !== 'failed' && latest.state !== 'exception') return undefined;
      counts[latest.state]++;
    }
    return { kind: 'resolved', taskGroupId: this.taskGroupId, counts, source };
  }

  #remember(status: TaskStatus): TaskRecord {
    const position = statusPosition(status);
    const record = this.#tasks.get(status.taskId);
    if (record === undefined) {
      const created: TaskRecord = { emitted: undefined, latest: status, latestPosition: position };
      this.#tasks.set(status.taskId, created);
      return created;
    }
    if (isAhead(position, record.latestPosition)) {
      record.latest = status;
      record.latestPosition = position;
    }
    return record;
  }
}
