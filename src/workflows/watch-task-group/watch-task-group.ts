import { Observable } from '../../pulse/rxjs-core.js';
import { groupBindings } from './group-bindings.js';
import { GroupWatch } from './group-watch.js';
import type { TaskGroupEvent } from './task-group-events.js';
import { resolveWatchSettings, type WatchTaskGroupOptions } from './watch-options.js';

/**
 * Follows a task group until it resolves, as a cold observable: each
 * subscription binds a queue to the group's events (defined, pending,
 * running, completed, failed, exception, artifact created, group resolved),
 * then reads the group's current state with `listTaskGroup`, and merges both.
 * It emits one event per (task, run, state) that moves a task forward, from
 * either source (duplicates and late news, such as `running` after
 * `completed`, are dropped), and one per artifact; then a `resolved` event
 * once every task is resolved, and completes. A group resolved before the
 * watch started completes right after the snapshot.
 *
 * Completion drains the consume stream (running handlers finish, every held
 * message gets an outcome) and deletes an ephemeral queue; unsubscribing
 * releases it too. Errors: `PulseConfigError` for bad arguments (thrown now,
 * before any I/O), `TaskGroupSnapshotError` when `listTaskGroup` fails, and
 * the consume stream's (`QueueSetupError`, `ConnectionFailedError`).
 */
export function watchTaskGroup(taskGroupId: string, options: WatchTaskGroupOptions): Observable<TaskGroupEvent> {
  const settings = resolveWatchSettings(taskGroupId, options);
  const bindings = groupBindings(taskGroupId, settings.exchangePrefix);
  return new Observable<TaskGroupEvent>((subscriber) => new GroupWatch(taskGroupId, settings, bindings, subscriber).start());
}
