import { stat } from 'node:fs/promises';
import { ArtifactError } from '../../artifacts/artifact-error.js';
import { downloadArtifact } from '../../artifacts/download.js';
import { checkTaskId, queueFrom, runFlag, runIdOf, timeoutFlag, timeoutFlagHelp, timeoutOf } from '../artifact-flags.js';
import type { Command } from '../command.js';
import { checkNoExtraArguments, parseCommandLine } from '../command-line.js';
import { ProgressBar } from '../progress-bar.js';
import { restFlags, restFlagsHelp } from '../rest-connection.js';
import { writeToStdout } from '../stdout-copy.js';
import { UsageError } from '../usage-error.js';

export const downloadCommand: Command = {
  name: 'download',
  summary: "download a task's artifact to a file or standard output",
  help: `Usage: tc-pulse download <taskId> <name> [--run <n>] [-o <file>] [options]

Downloads the artifact <name> (e.g. public/build/target.tar.gz) of the task's
latest run, or of run <n>. Objects are checked against the sha256/sha512 the
Object service recorded; gzip-encoded storage is decoded; failed transfers are
retried and resume where they stopped.

A file is written under a temporary name in its directory and renamed only
once every byte arrived and was verified: a failed download leaves nothing.
Standard output gets the bytes as they arrive; a failure found at the end (a
hash mismatch) then exits 1 after the bytes were written.

A progress bar is drawn on standard error when it is a terminal (and the
bytes do not go to that terminal); never into a pipe or a file.

Options:
  --run <n>             the run (default: the latest)
  -o, --output <file>   write to <file> (replaced if it exists); - or no -o:
                        standard output
  --follow-references   also download reference artifacts. They are refused
                        by default: their URL was chosen by the task, and this
                        machine may reach hosts the task cannot (request
                        forgery). Only for tasks you trust.
${timeoutFlagHelp}
  -h, --help            this help

${restFlagsHelp}

Exit codes: 0 done, 1 failed (HTTP error, hash mismatch, an error artifact:
its reason is printed), 2 bad command line.

Example:
  tc-pulse download fN1ApJ8dRmCLkJ1GBhoqSw public/build/target.tar.gz -o target.tar.gz
`,
  async run(args, context) {
    const { values, positionals } = parseCommandLine(args, {
      ...runFlag,
      output: { type: 'string', short: 'o' },
      'follow-references': { type: 'boolean' },
      ...timeoutFlag,
      ...restFlags,
    });
    const taskId = checkTaskId(positionals[0]);
    const name = positionals[1];
    if (name === undefined || name === '') throw new UsageError('expected the artifact <name> after the <taskId>, e.g. public/build/target.tar.gz');
    checkNoExtraArguments(positionals, 2, 'tc-pulse download takes <taskId> <name>');
    const runId = runIdOf(values);
    const timeout = timeoutOf(values);
    const output = values.output === '-' ? undefined : (values.output as string | undefined);
    if (output === '') throw new UsageError('-o/--output must be a file name, or - for standard output');
    if (output !== undefined && (await stat(output).catch(() => undefined))?.isDirectory()) {
      throw new UsageError(`-o/--output must be a file name, not a directory: ${output}`);
    }
    const queue = queueFrom(values, context.env);

    // No bar when the bytes themselves go to the terminal: it would be drawn into them.
    const bar = output === undefined && context.stdout.isTTY ? undefined : ProgressBar.onTerminal(context.stderr, name);
    const request = { queue, taskId, runId, name, followReferences: values['follow-references'] === true, timeout, signal: context.signal, onProgress: bar?.update };
    try {
      if (output === undefined) {
        const download = await downloadArtifact({ ...request, to: 'stream' });
        await writeToStdout(download, context.stdout);
      } else {
        await downloadArtifact({ ...request, to: { file: output } });
      }
    } catch (error) {
      bar?.clear();
      if (error instanceof ArtifactError && error.code === 'ArtifactStorageTypeRejected') {
        throw new Error(`${name} of task ${taskId} is a reference artifact: its URL was chosen by the task, so it is not fetched unless --follow-references is given`);
      }
      throw error;
    }
    bar?.finish();
    return 0;
  },
};
