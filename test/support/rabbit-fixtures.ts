/** Taskcluster-shaped bindings and messages on exchanges private to one test. */
import type { Binding } from '../../src/bindings/types.js';
import { buildRoutingKey } from '../../src/bindings/routing-key.js';
import { QueueEvents, type QueueMessages } from '../../src/generated/exchanges/queue.js';
import { TestPublisher, uniqueName } from './rabbit.js';

/** Queue exchange bindings under a fresh prefix, e.g. `exchange/pulse-test-1a2b3c4d/task-completed`. */
export function privateQueueEvents(): QueueEvents {
  return new QueueEvents({ exchangePrefix: `exchange/${uniqueName('pulse-test')}/` });
}

/** The concrete routing key a Taskcluster service would publish for these fields. */
export function routingKeyFor(binding: Binding, fields: Readonly<Record<string, string | number>>): string {
  return buildRoutingKey(binding.exchange, binding.routingKeyReference, fields);
}

/** Routing-key fields of a completed task run. */
export function taskFields(taskId: string, runId = 0, taskGroupId = 'group1') {
  return {
    taskId,
    runId,
    workerGroup: 'wg',
    workerId: 'w1',
    provisionerId: 'prov',
    workerType: 'wt',
    schedulerId: 'sched',
    taskGroupId,
  };
}

/** The status of a completed task on prov/wt (worker wg/w1, scheduler sched), as the queue reports it. */
export function completedTaskStatus(taskId: string, taskGroupId: string, runs: QueueMessages['taskCompleted']['status']['runs']) {
  return {
    taskId,
    provisionerId: 'prov',
    workerType: 'wt',
    taskQueueId: 'prov/wt',
    schedulerId: 'sched',
    projectId: 'none',
    taskGroupId,
    deadline: '2030-01-01T00:00:00.000Z',
    expires: '2031-01-01T00:00:00.000Z',
    retriesLeft: 5,
    state: 'completed' as const,
    runs,
  };
}

/** A task-completed message body as the queue publishes it (trimmed to what tests read). */
export function taskCompletedBody(taskId: string, runId = 0) {
  return {
    version: 1,
    status: completedTaskStatus(taskId, 'group1', []),
    runId,
    workerGroup: 'wg',
    workerId: 'w1',
  };
}

/** Publishes a task-completed message for `taskId` on the binding's exchange. */
export async function publishCompleted(publisher: TestPublisher, binding: Binding, taskId: string, cc?: readonly string[]): Promise<void> {
  await publisher.publish(binding.exchange, routingKeyFor(binding, taskFields(taskId)), taskCompletedBody(taskId), cc ? { cc } : {});
}
