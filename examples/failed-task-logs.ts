// A bot: for every failed task, download its log and print the last error lines.
// In production: printFailedTaskErrors(PulseClient.fromEnv(), new Queue(fromEnv())).subscribe();
import { ArtifactError, downloadArtifact, QueueEvents, type PulseClient, type Queue } from 'taskcluster-pulse';

const LOG = 'public/logs/live_backing.log';

export function printFailedTaskErrors(pulse: PulseClient, queue: Queue, print = console.log, lastLines = 5) {
  return pulse.consume(new QueueEvents().taskFailed(), async (message) => {
    const { status, runId } = message.payload;
    try {
      // The log streams in line by line: only the last error lines stay in memory.
      // A reference artifact (a URL the task chose) is refused: downloadArtifact never fetches one unless asked.
      const log = await downloadArtifact({ queue, taskId: status.taskId, runId, name: LOG, to: 'lines' });
      const errors: string[] = [];
      for await (const line of log.lines) {
        if (/\berror\b/i.test(line)) errors.push(line) > lastLines && errors.shift();
      }
      print(`task ${status.taskId} failed; last error lines of its log:\n${errors.map((line) => `  ${line}`).join('\n')}`);
    } catch (error) {
      // No log to read (the worker could not upload it, or it is not ours to fetch): say so, and ack the message.
      if (!(error instanceof ArtifactError)) throw error;
      print(`task ${status.taskId} failed; no log: ${error.code} ${error.message}`);
    }
  });
}
