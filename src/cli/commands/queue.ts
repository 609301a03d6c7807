import type { PulseClient } from '../../pulse/pulse-client.js';
import type { Command, CommandContext } from '../command.js';
import { checkNoExtraArguments, parseCommandLine } from '../command-line.js';
import { askYesNo } from '../confirm.js';
import { pulseClientFrom, pulseFlags, pulseFlagsHelp } from '../pulse-connection.js';
import { UsageError } from '../usage-error.js';

/** A one-shot command waits this long for the broker at most. */
const BROKER_DEADLINE_MS = 30_000;
/** And this long for a person to answer "delete?". */
const ANSWER_DEADLINE_MS = 120_000;

const ACTIONS = ['status', 'delete'] as const;

export const queueCommand: Command = {
  name: 'queue',
  summary: 'show a queue\'s depth and consumers, or delete the queue',
  help: `Usage: tc-pulse queue status <name> [options]
       tc-pulse queue delete <name> [--yes] [options]

<name> is a queue's full name (queue/<user>/<name>) or the part after
queue/<user>/, where <user> is the Pulse user of the connection.

  status   prints {"queue", "messageCount", "consumerCount"}: the queue's depth
           (Pulse warns its owner above 2,000 messages and may delete it above
           8,000) and how many consumers read from it. Exit 1 if there is none.
  delete   deletes the queue and every message in it, and prints {"queue",
           "messageCount"} with the number of messages lost. Asks first on a
           terminal; without one, refuses (exit 2) unless --yes is given.

Options:
  --yes              delete without asking
  -h, --help         this help

${pulseFlagsHelp}

Example:
  tc-pulse queue status task-completed-bot
  tc-pulse queue delete queue/my-user/task-completed-bot --yes
`,
  async run(args, context) {
    const { values, positionals } = parseCommandLine(args, { yes: { type: 'boolean' }, ...pulseFlags });
    const [action, name] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new UsageError(`expected ${ACTIONS.join(' or ')}, e.g. tc-pulse queue status <name>; got ${action === undefined ? 'nothing' : `"${action}"`}`);
    }
    if (name === undefined || name === '') throw new UsageError(`expected a queue name after "${action}"`);
    checkNoExtraArguments(positionals, 2, `tc-pulse queue ${action} takes one queue name`);
    const interactive = context.stdin.isTTY === true;
    if (action === 'delete' && values.yes !== true && !interactive) {
      throw new UsageError('deleting a queue loses its messages: give --yes to confirm (standard input is not a terminal to ask on)');
    }
    const client = pulseClientFrom(values, context.env);
    try {
      return await withBrokerDeadline(client, async () => {
        const status = await queueStatus(client, name);
        if (action === 'status') {
          context.stdout.write(JSON.stringify(status) + '\n');
          return 0;
        }
        if (values.yes !== true && !(await confirmDeletion(context, status))) {
          context.stderr.write(`not deleted: ${status.queue}\n`);
          return 1;
        }
        const { messageCount } = await client.deleteQueue(status.queue);
        context.stdout.write(JSON.stringify({ queue: status.queue, messageCount }) + '\n');
        return 0;
      });
    } finally {
      await client.close();
    }
  },
};

async function queueStatus(client: PulseClient, name: string) {
  try {
    return await client.queueStatus(name);
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) throw new Error(`no queue "${name.startsWith('queue/') ? name : `queue/${client.namespace}/${name}`}" on the broker`);
    throw error;
  }
}

function confirmDeletion({ stdin, stderr }: CommandContext, status: { queue: string; messageCount: number; consumerCount: number }): Promise<boolean> {
  const readers = status.consumerCount > 0 ? `, read by ${status.consumerCount} consumer${status.consumerCount === 1 ? '' : 's'}` : '';
  return askYesNo(stdin, stderr, `Delete ${status.queue} and its ${status.messageCount} message${status.messageCount === 1 ? '' : 's'}${readers}? [y/N] `, ANSWER_DEADLINE_MS);
}

/**
 * Runs `work` with one connection attempt and an overall deadline: a one-shot
 * command reports a broker it cannot reach rather than retrying forever as a
 * listener does.
 */
async function withBrokerDeadline<T>(client: PulseClient, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onFailure: ((info: { error: Error }) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    onFailure = ({ error }) => reject(new Error(`cannot connect to ${client.urls.join(', ')}: ${error.message}`));
    client.once('reconnecting', onFailure);
    timer = setTimeout(() => reject(new Error(`no answer from ${client.urls.join(', ')} within ${BROKER_DEADLINE_MS / 1000} s`)), BROKER_DEADLINE_MS);
  });
  try {
    return await Promise.race([work(), failed]);
  } finally {
    clearTimeout(timer);
    if (onFailure) client.off('reconnecting', onFailure);
  }
}
