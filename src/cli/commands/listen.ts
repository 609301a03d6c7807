import { startHealthServer, type HealthServer } from '../../pulse/index.js';
import { recordOf } from '../../recording/record-of-message.js';
import { RecordingWriter } from '../../recording/recording-writer.js';
import type { Command } from '../command.js';
import { bindingsFromArguments } from '../listen-bindings.js';
import { messageFormatFlags, messageFormatFrom, messageFormatHelp } from '../message-format.js';
import { MessagePrinter } from '../message-printer.js';
import { pulseClientFrom, pulseFlags, pulseFlagsHelp } from '../pulse-connection.js';
import { UsageError } from '../usage-error.js';

export const listenCommand: Command = {
  name: 'listen',
  summary: 'print messages from one or more exchanges as they arrive',
  help: `Usage: tc-pulse listen <exchange> [<value> ...] [<exchange> [<value> ...] ...] [--<field> <value> ...] [options]

Binds a queue to the exchanges and prints every message, one line each:
a compact line on a terminal, a JSON object when piped (see --format).

An <exchange> is either <service>.<exchange> (see "tc-pulse list <service>"),
followed by routing-key values in order as in the library ("queue.taskCompleted
abc" is taskId abc), or a full exchange name (exchange/taskcluster-queue/v1/
task-completed), followed by a routing-key pattern (default #). Fields left out
match anything. Field flags (--taskId abc) apply to every <service>.<exchange>
given, and each of them must have that field.

Options:
  --routing-key-pattern <raw>  bind the exchanges given without values with this
                               pattern as given; --pattern for short
  --exchange-prefix <p>        bind <service>.<exchange> under this prefix instead
                               of the service's; must end with "/", e.g.
                               exchange/<user>/test/
  --queue <name>     a durable queue queue/<namespace>/<name> that outlives this
                     command (default: an exclusive queue deleted on exit)
  --count <n>        exit after n messages
  --health-port <p>  serve GET /healthz (alive) and /readyz (connected and
                     consuming) on this port, 200 or 503 with the client's
                     health as JSON; 0 picks a free port (printed on stderr)
  --health-host <h>  the interface for --health-port (default 127.0.0.1;
                     0.0.0.0 for a probe from outside a container)
  --record <file>    also write every message to <file> as JSON lines (exchange,
                     routing key, CC, properties, body), for "tc-pulse replay"
${messageFormatHelp}
  -h, --help         this help

${pulseFlagsHelp}

Example:
  tc-pulse listen queue.taskCompleted --provisionerId proj-x | jq .fields.taskId
  tc-pulse listen queue.taskCompleted queue.taskFailed queue.taskException --taskGroupId fN1ApJ8dRmCLkJ1GBhoqSw
  tc-pulse listen exchange/taskcluster-github/v1/push 'primary.mozilla.#'
  tc-pulse listen queue.taskCompleted --record completed.jsonl
`,
  async run(args, { stdout, stderr, env, signal }) {
    const { values, bindings } = bindingsFromArguments(args, {
      queue: { type: 'string' },
      count: { type: 'string' },
      record: { type: 'string' },
      'health-port': { type: 'string' },
      'health-host': { type: 'string' },
      ...messageFormatFlags,
      ...pulseFlags,
    });
    const count = values.count === undefined ? undefined : Number(values.count);
    if (count !== undefined && !(Number.isSafeInteger(count) && count > 0)) {
      throw new UsageError(`--count must be a positive integer, got "${String(values.count)}"`);
    }
    const printer = new MessagePrinter(stdout, messageFormatFrom(values, stdout.isTTY === true));
    if (values.record === '') throw new UsageError('--record needs a file name');
    const healthPort = values['health-port'] === undefined ? undefined : Number(values['health-port']);
    if (healthPort !== undefined && !(Number.isInteger(healthPort) && healthPort >= 0 && healthPort <= 65535 && values['health-port'] !== '')) {
      throw new UsageError(`--health-port must be a port number 0-65535, got "${String(values['health-port'])}"`);
    }
    if (values['health-host'] !== undefined && healthPort === undefined) throw new UsageError('--health-host needs --health-port');
    const client = pulseClientFrom(values, env);
    // Opened before connecting: a file that cannot be written stops the command first.
    const recording = typeof values.record === 'string' ? await RecordingWriter.open(values.record).catch(async (error: unknown) => {
      await client.close();
      throw error;
    }) : undefined;

    let health: HealthServer | undefined;
    if (healthPort !== undefined) {
      const host = typeof values['health-host'] === 'string' ? values['health-host'] : '127.0.0.1';
      health = await startHealthServer({ client, port: healthPort, host }).catch(async (error: unknown) => {
        await client.close();
        await recording?.close();
        throw error;
      });
      stderr.write(`health checks on ${health.url}/healthz and ${health.url}/readyz\n`);
    }

    client.on('error', (error) => stderr.write(`warning: ${error.message}\n`));
    client.on('reconnecting', ({ attempt, delayMs, error }) =>
      stderr.write(`connection failed (${error.message}); retry ${attempt} in ${delayMs} ms\n`),
    );
    client.once('consuming', ({ queue }) => {
      for (const binding of bindings) stderr.write(`listening on ${binding.exchange} ${binding.routingKeyPattern} (queue ${queue})\n`);
      printer.status('waiting for messages; Ctrl-C to stop');
    });

    try {
      await new Promise<void>((resolve, reject) => {
        const subscription = client
          .listen(bindings, typeof values.queue === 'string' ? { queueName: values.queue } : {})
          .subscribe({
            next: (message) => {
              recording?.write(recordOf(message));
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
      await recording?.close();
      await health?.close();
    }
    return 0;
  },
};
