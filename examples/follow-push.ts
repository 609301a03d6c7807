// Follows one push: reports each failed task once, and returns when every task of its group is resolved.
// In production: await reportFailures(taskGroupId, { pulse: PulseClient.fromEnv(), queue: new Queue(fromEnv()) }); then exit.
import { watchTaskGroup, type GroupResolvedEvent, type PulseClient, type Queue } from 'taskcluster-pulse';

export async function reportFailures(taskGroupId: string, { pulse, queue }: { pulse: PulseClient; queue: Queue }, report = console.log) {
  let summary: GroupResolvedEvent | undefined;
  // Binds first, then lists the group, so nothing is missed; completes once the group is resolved
  // (at once if it was before the bot started). Each task's state comes once, and never goes back.
  await watchTaskGroup(taskGroupId, { pulse, queue }).forEach((event) => {
    if (event.kind === 'task' && event.resolved && event.state !== 'completed') {
      const reason = event.status.runs.at(-1)?.reasonResolved;
      report(`task ${event.taskId} ${event.state} (run ${event.runId}, ${reason}), seen in ${event.source === 'live' ? 'a message' : "the queue's listing"}`);
    }
    if (event.kind === 'resolved') summary = event;
  });
  return summary;
}
