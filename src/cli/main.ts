#!/usr/bin/env node
/**
 * `tc-pulse`: Taskcluster Pulse from a terminal. Each command is a module in
 * ./commands; this file only dispatches and turns errors into exit codes.
 */
import { createRequire } from 'node:module';
import { BindingError } from '../bindings/binding-error.js';
import { PulseConfigError } from '../pulse/client-options.js';
import { ApiArgumentError } from '../rest/api-argument-error.js';
import { wantsHelp, type Command, type CommandContext } from './command.js';
import { bindingsCommand } from './commands/bindings.js';
import { callCommand } from './commands/call.js';
import { inspectCommand } from './commands/inspect.js';
import { downloadCommand } from './commands/download.js';
import { listCommand } from './commands/list.js';
import { listenCommand } from './commands/listen.js';
import { logCommand } from './commands/log.js';
import { publishCommand } from './commands/publish.js';
import { queueCommand } from './commands/queue.js';
import { replayCommand } from './commands/replay.js';
import { signedUrlCommand } from './commands/signed-url.js';
import { uploadCommand } from './commands/upload.js';
import { UsageError } from './usage-error.js';

const commands: readonly Command[] = [
  listenCommand,
  inspectCommand,
  replayCommand,
  bindingsCommand,
  callCommand,
  signedUrlCommand,
  publishCommand,
  queueCommand,
  listCommand,
  downloadCommand,
  uploadCommand,
  logCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: tc-pulse <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "tc-pulse <command> --help" for a command's options.
Connection settings come from flags or the environment: PULSE_URL (or PULSE_USERNAME,
PULSE_PASSWORD, PULSE_HOSTNAME, PULSE_VHOST) and TASKCLUSTER_ROOT_URL,
TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN, TASKCLUSTER_CERTIFICATE.
`;
}

async function main(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    context.stdout.write(overview());
    return 2;
  }
  if (['--help', '-h', 'help', '--version'].includes(name) && args.length > 0) {
    // `tc-pulse help listen` means the command's help; anything else is a mistake.
    const command = name === 'help' ? commands.find((c) => c.name === args[0]) : undefined;
    if (command && args.length === 1) {
      context.stdout.write(command.help);
      return 0;
    }
    context.stderr.write(`tc-pulse: unexpected argument "${args[command ? 1 : 0]}" after ${command ? `help ${command.name}` : name}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(overview());
    return 0;
  }
  if (name === '--version') {
    const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
    context.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    context.stderr.write(`tc-pulse: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  if (wantsHelp(args)) {
    context.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    if (isUsageError(error)) {
      // node:util's parseArgs appends advice about '--' that only confuses here.
      const message = error.message.replace(/\. To specify a positional argument[\s\S]*$/, '');
      context.stderr.write(`tc-pulse ${name}: ${message}\nRun "tc-pulse ${name} --help" for usage.\n`);
      return 2;
    }
    context.stderr.write(`tc-pulse ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// A closed pipe (`tc-pulse listen ... | head`) ends the command quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
/** Errors that mean the command line was wrong (exit 2), as opposed to a failure while running (exit 1). */
function isUsageError(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof BindingError ||
    error instanceof PulseConfigError ||
    error instanceof ApiArgumentError ||
    (error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'))
  );
}

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort());
}
const context: CommandContext = {
  // A getter: touching process.stdin opens it, which only commands that read it should do.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
};
main(process.argv.slice(2), context).then(
  (code) => {
    process.exitCode = code;
  },
);
