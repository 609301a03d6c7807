// Following a task group until it resolves: watchTaskGroup() and what it emits.
export { watchTaskGroup } from './watch-task-group.js';
export type { WatchTaskGroupOptions } from './watch-options.js';
export type { ArtifactEvent, TaskGroupEventSource, GroupResolvedEvent, TaskGroupEvent, TaskState, TaskStateEvent } from './task-group-events.js';
export { TaskGroupSnapshotError, type SnapshotReason } from './watch-errors.js';
