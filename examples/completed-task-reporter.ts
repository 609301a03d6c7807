// A bot: for every task of one task group that completes, look the task up in the queue and report it.
// `npm run demo` runs it against an embedded broker and a fake Taskcluster (examples/demo.ts). In production:
//   reportCompletedTasks(PulseClient.fromEnv(), new Queue(fromEnv()), taskGroupId).subscribe();
import { QueueEvents, type PulseClient, type Queue } from 'taskcluster-pulse';

export function reportCompletedTasks(pulse: PulseClient, queue: Queue, taskGroupId: string, report = console.log) {
  // Only this group's messages reach the bot's queue: the broker filters by routing key.
  const completed = new QueueEvents().taskCompleted({ taskGroupId });

  // At least once: a message is acked after its handler succeeds; if the handler throws, it comes back later.
  return pulse.consume(completed, async (message) => {
    const { taskId, workerType } = message.payload.status;
    const task = await queue.task(taskId); // a Hawk-signed GET, retried on 5xx and network errors
    report(`task ${taskId} "${task.metadata.name}" completed on ${workerType}; owner ${task.metadata.owner}`);
  });
}
