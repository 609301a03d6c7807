import type { Queue } from '../../generated/clients/queue.js';
import type { TaskStatus } from '../../generated/types/queue.js';
import { TaskclusterError } from '../../rest/taskcluster-error.js';

/** What a Queue client needs for a snapshot: its paginated `listTaskGroup`. */
export type SnapshotQueue = Pick<Queue, 'listTaskGroup' | 'pages'>;

/**
 * The status of every task in the group, through every page of
 * `listTaskGroup`. A group the queue does not know (404: no task defined yet)
 * is empty, not an error: the watch may start before the group does.
 */
export async function readGroupStatuses(queue: SnapshotQueue, taskGroupId: string, pageSize: number): Promise<TaskStatus[]> {
  const statuses: TaskStatus[] = [];
  try {
    for await (const page of queue.pages(queue.listTaskGroup, taskGroupId, { limit: pageSize })) {
      for (const { status } of page.tasks) statuses.push(status);
    }
  } catch (error) {
    if (error instanceof TaskclusterError && error.statusCode === 404 && statuses.length === 0) return [];
    throw error;
  }
  return statuses;
}
