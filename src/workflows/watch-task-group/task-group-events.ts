import type { ArtifactCreatedMessage, TaskStatus } from '../../generated/types/queue.js';

/** A task's state as the queue names it; a defined task not yet scheduled is `unscheduled`. */
export type TaskState = TaskStatus['state'];

/** Where an event's news came from: the queue's answer to `listTaskGroup`, or a Pulse message. */
export type TaskGroupEventSource = 'snapshot' | 'live';

/** A task moved forward: a new state of its latest run, or a new run. */
export interface TaskStateEvent {
  readonly kind: 'task';
  readonly taskId: string;
  /** The run this state is of; undefined while the task has no run (`unscheduled`). */
  readonly runId: number | undefined;
  readonly state: TaskState;
  /**
   * The task is resolved with no further run coming (its status says
   * completed, failed or exception): its final state, unless it is rerun later.
   * False for an exception the queue retries (the status has the next run already).
   */
  readonly resolved: boolean;
  /** The task's status as of this news. */
  readonly status: TaskStatus;
  readonly source: TaskGroupEventSource;
}

/** An artifact was created on a run (live only: `listTaskGroup` does not list artifacts). */
export interface ArtifactEvent {
  readonly kind: 'artifact';
  readonly taskId: string;
  readonly runId: number;
  readonly artifact: ArtifactCreatedMessage['artifact'];
  readonly status: TaskStatus;
  readonly source: 'live';
}

/** Every task of the group is resolved; the last event before the stream completes. */
export interface GroupResolvedEvent {
  readonly kind: 'resolved';
  readonly taskGroupId: string;
  /** How many tasks ended in each state. */
  readonly counts: Readonly<Record<'completed' | 'failed' | 'exception', number>>;
  /** `snapshot`: resolved before the watch bound its queue; `live`: confirmed after a `taskGroupResolved` message. */
  readonly source: TaskGroupEventSource;
}

/** What `watchTaskGroup()` emits. */
export type TaskGroupEvent = TaskStateEvent | ArtifactEvent | GroupResolvedEvent;
