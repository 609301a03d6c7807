// Catching up after downtime: the messages the queue published for a task group while the bot
// was away, rebuilt from the Queue API and fed to the same handler the bot gives consume().
// In production: catchUp(new Queue(fromEnv()), taskGroupId, new Date(lastSeen)).subscribe();
import { QueueEvents, runBackfill, type Queue } from 'taskcluster-pulse';

export function catchUp(queue: Queue, taskGroupId: string, since?: Date, print = console.log) {
  const events = new QueueEvents();
  // The bindings the bot listens with: backfill rebuilds only what they match.
  const resolved = events.taskGroupResolved({ taskGroupId });
  const bindings = [events.taskCompleted({ taskGroupId }), events.taskFailed({ taskGroupId }), resolved];
  const window = since === undefined ? undefined : { from: since, to: new Date() };
  return runBackfill({ queue, taskGroupId, bindings, window, concurrency: 4 }, (message) => {
    if (message.is(resolved)) return print(`group ${taskGroupId} resolved`);
    const { status, runId } = message.payload as { status: { taskId: string; runs: { state: string }[] }; runId: number };
    return print(`task ${status.taskId} run ${runId} ${status.runs[runId]!.state} (${message.origin})`);
  });
}
