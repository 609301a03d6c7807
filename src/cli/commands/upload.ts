import { stat } from 'node:fs/promises';
import { uploadArtifact } from '../../artifacts/upload.js';
import { ApiArgumentError } from '../../rest/api-argument-error.js';
import { fromNow } from '../../rest/from-now.js';
import { checkTaskId, queueFrom, runFlag, runIdOf, timeoutFlag, timeoutFlagHelp, timeoutOf } from '../artifact-flags.js';
import type { Command } from '../command.js';
import { checkNoExtraArguments, parseCommandLine, type OptionValues } from '../command-line.js';
import { contentTypeOf } from '../content-type.js';
import { ProgressBar } from '../progress-bar.js';
import { restFlags, restFlagsHelp } from '../rest-connection.js';
import { UsageError } from '../usage-error.js';

export const uploadCommand: Command = {
  name: 'upload',
  summary: 'upload a file as an artifact of a running task',
  help: `Usage: tc-pulse upload <taskId> <name> <file> [--run <n>] [--content-type <type>] [--expires <when>] [options]

Uploads <file> as the object artifact <name> (e.g. public/results.json) of a
running task's run: queue.createArtifact, the upload through the Object
service (sha256 and sha512 recorded, the transfer retried), then
queue.finishArtifact. Prints {"taskId", "runId", "name", "contentType",
"contentLength", "sha256", "sha512"} as JSON.

The credentials need queue:create-artifact:<taskId>/<runId> (a worker's, or
the task's own through TASKCLUSTER_PROXY_URL). A progress bar is drawn on
standard error when it is a terminal.

Options:
  --run <n>             the run (default: the latest, which must be running)
  --content-type <t>    default: by the file's extension (.log and .txt are
                        text/plain; charset=utf-8), else application/octet-stream
  --expires <when>      an ISO 8601 date-time or an offset such as "30 days"
                        (default: when the task expires, the latest allowed)
${timeoutFlagHelp}
  -h, --help            this help

${restFlagsHelp}

Exit codes: 0 uploaded, 1 failed, 2 bad command line.

Example:
  tc-pulse upload fN1ApJ8dRmCLkJ1GBhoqSw public/results.json results.json --expires "14 days"
`,
  async run(args, context) {
    const { values, positionals } = parseCommandLine(args, { ...runFlag, 'content-type': { type: 'string' }, expires: { type: 'string' }, ...timeoutFlag, ...restFlags });
    const taskId = checkTaskId(positionals[0]);
    const [, name, file] = positionals;
    if (name === undefined || name === '') throw new UsageError('expected the artifact <name> after the <taskId>, e.g. public/results.json');
    if (file === undefined || file === '') throw new UsageError('expected the <file> to upload after the artifact <name>');
    checkNoExtraArguments(positionals, 3, 'tc-pulse upload takes <taskId> <name> <file>');
    if (!(await stat(file).catch(() => undefined))?.isFile()) throw new UsageError(`<file> must be a readable file: ${file}`);
    let runId = runIdOf(values);
    let expires = expiresOf(values);
    const contentType = values['content-type'] === undefined ? contentTypeOf(file) : String(values['content-type']);
    if (contentType.trim() === '') throw new UsageError('--content-type must not be empty');
    const timeout = timeoutOf(values);
    const queue = queueFrom(values, context.env);

    if (runId === undefined || expires === undefined) {
      const { status } = await queue.status(taskId);
      const latest = status.runs.at(-1);
      if (runId === undefined && latest?.state !== 'running') {
        throw new Error(`task ${taskId} has no running run to upload to (its latest run is ${latest ? `run ${latest.runId}, ${latest.state}` : 'missing: the task has no run'})`);
      }
      runId ??= latest!.runId;
      expires ??= new Date(status.expires);
    }

    const bar = ProgressBar.onTerminal(context.stderr, name);
    let result;
    try {
      result = await uploadArtifact({ queue, taskId, runId, name, data: { file }, contentType, expires, timeout, signal: context.signal, onProgress: bar?.update });
    } catch (error) {
      bar?.clear();
      throw error;
    }
    bar?.finish();
    const { sha256, sha512 } = result.hashes;
    // Not the uploadId: whoever has it may finish (replace) the upload.
    context.stdout.write(JSON.stringify({ taskId, runId, name, contentType, contentLength: result.contentLength, sha256, sha512 }) + '\n');
    return 0;
  },
};

/** `--expires`: a date-time or an offset from now; undefined when not given. */
function expiresOf(values: OptionValues): Date | undefined {
  const text = values.expires;
  if (typeof text !== 'string') return undefined;
  if (/^\d{4}-\d\d-\d\d/.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  } else {
    try {
      const date = fromNow(text);
      if (date.getTime() > Date.now()) return date;
    } catch (error) {
      if (!(error instanceof ApiArgumentError)) throw error;
    }
  }
  throw new UsageError(`--expires must be an ISO 8601 date-time (2030-01-31T00:00:00Z) or a time from now ("30 days"), got "${text}"`);
}
