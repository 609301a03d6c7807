import { ArtifactError } from '../../artifacts/artifact-error.js';
import { downloadArtifact } from '../../artifacts/download.js';
import type { StreamDownload } from '../../artifacts/targets.js';
import type { Queue } from '../../generated/clients/queue.js';
import { TaskclusterError } from '../../rest/taskcluster-error.js';
import { checkTaskId, queueFrom, runFlag, runIdOf, timeoutFlag, timeoutOf } from '../artifact-flags.js';
import type { Command } from '../command.js';
import { checkNoExtraArguments, parseCommandLine } from '../command-line.js';
import { restFlags, restFlagsHelp } from '../rest-connection.js';
import { writeToStdout } from '../stdout-copy.js';

// Where workers put a task's log unless its payload says otherwise
// (generic-worker: payload.logs.live/backing; docker-worker: payload.log).
const LIVE_LOG = 'public/logs/live.log';
const BACKING_LOG = 'public/logs/live_backing.log';

export const logCommand: Command = {
  name: 'log',
  summary: "print a task's log: the live log, or the backing log once it is uploaded",
  help: `Usage: tc-pulse log <taskId> [--run <n>] [--follow-references] [options]

Prints the log of the task's latest run (or run <n>) to standard output as it
arrives, as Taskcluster's UI and shell find it: the live log
(public/logs/live.log, or the name in the task's payload), else the backing
log (public/logs/live_backing.log), which the worker uploads at the end.

While a task runs, its live log is a reference artifact: a URL on the worker
that streams the log as it is written. Reference URLs are chosen by the task,
and fetching one from a machine that reaches more than the task could is
request forgery, so they are refused unless --follow-references is given:
without it, the backing log is printed when there is one, and otherwise the
command fails saying so. Once the run is over the live log links to the
backing log, and no flag is needed.

Options:
  --run <n>             the run (default: the latest)
  --follow-references   read a reference live log (the worker's livelog) too.
                        Only for tasks you trust.
  --timeout <s>         seconds to wait for an answer, or between two chunks,
                        before the transfer is retried (default 30; a quiet
                        live log may need more)
  -h, --help            this help

${restFlagsHelp}

Exit codes: 0 printed, 1 failed (no log, an error artifact, HTTP error), 2 bad
command line.

Example:
  tc-pulse log fN1ApJ8dRmCLkJ1GBhoqSw | grep -i error
`,
  async run(args, context) {
    const { values, positionals } = parseCommandLine(args, { ...runFlag, 'follow-references': { type: 'boolean' }, ...timeoutFlag, ...restFlags });
    const taskId = checkTaskId(positionals[0]);
    checkNoExtraArguments(positionals, 1, 'tc-pulse log takes one <taskId>');
    const runId = runIdOf(values);
    const timeout = timeoutOf(values);
    const queue = queueFrom(values, context.env);

    const names = await logNames(queue, taskId);
    const open = (name: string, followReferences: boolean) =>
      downloadArtifact({ queue, taskId, runId, name, to: 'stream', followReferences, timeout, signal: context.signal });
    let log: StreamDownload;
    try {
      log = await open(names.live, values['follow-references'] === true);
    } catch (liveError) {
      const refused = isReferenceRefused(liveError);
      if (!refused && !isNotFound(liveError)) throw liveError;
      try {
        log = await open(names.backing, false);
      } catch (backingError) {
        if (!isNotFound(backingError)) throw backingError;
        const run = runId === undefined ? 'the latest run' : `run ${runId}`;
        throw new Error(
          refused
            ? `the live log ${names.live} of task ${taskId} is a reference artifact (a URL on the worker, while the task runs) and ${names.backing} is not uploaded yet: give --follow-references to read the live log from the worker`
            : `${run} of task ${taskId} has no log: neither ${names.live} nor ${names.backing} (${(liveError as Error).message})`,
        );
      }
    }
    await writeToStdout(log, context.stdout);
    return 0;
  },
};

/** The log names of the task's worker: its payload's, or the defaults. */
async function logNames(queue: Queue, taskId: string): Promise<{ live: string; backing: string }> {
  const { payload } = await queue.task(taskId);
  const logs = (payload as { logs?: { live?: unknown; backing?: unknown } }).logs;
  const dockerWorkerLog = (payload as { log?: unknown }).log;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    live: text(logs?.live) ?? text(dockerWorkerLog) ?? LIVE_LOG,
    backing: text(logs?.backing) ?? BACKING_LOG,
  };
}

function isReferenceRefused(error: unknown): boolean {
  return error instanceof ArtifactError && error.code === 'ArtifactStorageTypeRejected';
}

function isNotFound(error: unknown): boolean {
  return error instanceof TaskclusterError && error.statusCode === 404;
}
