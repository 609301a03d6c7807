import { bind } from '../../bindings/bind.js';
import { findExchange } from '../catalog.js';
import type { Command } from '../command.js';
import { MessagePrinter } from '../message-printer.js';
import { pulseClientFrom, pulseFlags, pulseFlagsHelp } from '../pulse-connection.js';
import { parseWithFieldFlags } from '../routing-key-flags.js';
import { UsageError } from '../usage-error.js';

export const listenCommand: Command = {
  name: 'listen',
  summary: 'print messages from an exchange as they arrive',
  help: `Usage: tc-pulse listen <service>.<exchange> [--<field> <value> ...] [options]

Binds a queue to the exchange and prints every message: one JSON object per
line ({exchange, routingKey, fields, routes, payload, redelivered}) when the
output is piped, a readable form with a live count on a terminal. Fields are
the exchange's routing-key entries (see "tc-pulse list <service>"); fields left
out match anything.

Options:
  --pattern <raw>    bind with this routing-key pattern as given
  --queue <name>     a durable queue queue/<namespace>/<name> that outlives this
                     command (default: an exclusive queue deleted on exit)
  --count <n>        exit after n messages
  --json             JSON lines even on a terminal
  -h, --help         this help

${pulseFlagsHelp}

Example:
  tc-pulse listen queue.taskCompleted --provisionerId proj-x | jq .fields.taskId
`,
  async run(args, { stdout, stderr, env, signal }) {
    const { reference, entry } = findExchange(args[0]);
    const { values, fields, positionals } = parseWithFieldFlags(args.slice(1), entry, {
      pattern: { type: 'string' },
      queue: { type: 'string' },
      count: { type: 'string' },
      json: { type: 'boolean' },
      ...pulseFlags,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; fields are flags, e.g. --taskId abc`);
    const count = values.count === undefined ? undefined : Number(values.count);
    if (count !== undefined && !(Number.isSafeInteger(count) && count > 0)) {
      throw new UsageError(`--count must be a positive integer, got "${String(values.count)}"`);
    }
    const pattern = values.pattern;
    const binding = bind(reference, entry, [typeof pattern === 'string' ? { routingKeyPattern: pattern, ...fields } : fields]);
    const client = pulseClientFrom(values, env);
    const printer = new MessagePrinter(stdout, Boolean(stdout.isTTY) && values.json !== true);

    client.on('error', (error) => stderr.write(`warning: ${error.message}\n`));
    client.on('reconnecting', ({ attempt, delayMs, error }) =>
      stderr.write(`connection failed (${error.message}); retry ${attempt} in ${delayMs} ms\n`),
    );
    client.once('consuming', ({ queue }) => {
      stderr.write(`listening on ${binding.exchange} ${binding.routingKeyPattern} (queue ${queue})\n`);
      printer.status('waiting for messages; Ctrl-C to stop');
    });

    try {
      await new Promise<void>((resolve, reject) => {
        const subscription = client
          .listen(binding, typeof values.queue === 'string' ? { queueName: values.queue } : {})
          .subscribe({
            next: (message) => {
              printer.print(message);
              if (count !== undefined && printer.count >= count) {
                subscription.unsubscribe();
                resolve();
              }
            },
            error: reject,
            complete: resolve,
          });
        signal.addEventListener('abort', () => {
          subscription.unsubscribe();
          resolve();
        });
      });
    } finally {
      printer.end();
      await client.close();
    }
    return 0;
  },
};
