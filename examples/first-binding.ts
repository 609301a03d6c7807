import { QueueEvents, decodeRoutingKey } from 'taskcluster-pulse';

const queueEvents = new QueueEvents();

// Three ways to say "task abc completed", all the same binding:
const byName = queueEvents.taskCompleted({ taskId: 'abc' });
const byPosition = queueEvents.taskCompleted('abc');
console.log(byName.exchange); // exchange/taskcluster-queue/v1/task-completed
console.log(byName.routingKeyPattern); // primary.abc.*.*.*.*.*.*.*.#
console.log(byPosition.routingKeyPattern === byName.routingKeyPattern); // true

// Everything that fails on a given worker type, or a raw pattern:
console.log(queueEvents.taskFailed({ provisionerId: 'proj-x', workerType: 'linux' }).routingKeyPattern);
console.log(queueEvents.taskFailed({ routingKeyPattern: 'primary.#' }).routingKeyPattern);

// A typo is an error, not a binding that silently matches everything:
try {
  queueEvents.taskCompleted({ taskid: 'abc' } as never);
} catch (error) {
  console.log((error as Error).message);
}

// Received routing keys decode back into named fields:
const fields = decodeRoutingKey(byName, 'primary.abc.0.wg.w1.proj-x.linux.sched.grp._');
console.log(fields.taskId, fields.runId, fields.workerType); // abc 0 linux
