import { QueueEvents } from '../../bindings/index.js';

/**
 * The queue exchanges that tell a task group's story, each bound by the
 * `taskGroupId` routing-key field: tasks defined, pending, running, resolved,
 * their artifacts, and the group resolving (any schedulerId).
 */
export function groupBindings(taskGroupId: string, exchangePrefix: string | undefined) {
  const events = new QueueEvents(exchangePrefix === undefined ? {} : { exchangePrefix });
  const filter = { taskGroupId };
  return {
    taskDefined: events.taskDefined(filter),
    taskPending: events.taskPending(filter),
    taskRunning: events.taskRunning(filter),
    artifactCreated: events.artifactCreated(filter),
    taskCompleted: events.taskCompleted(filter),
    taskFailed: events.taskFailed(filter),
    taskException: events.taskException(filter),
    taskGroupResolved: events.taskGroupResolved(filter),
  };
}

export type GroupBindings = ReturnType<typeof groupBindings>;
