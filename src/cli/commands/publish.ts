import { PublishError } from '../../testing/publish-errors.js';
import { PulsePublisher } from '../../testing/pulse-publisher.js';
import { findExchange } from '../catalog.js';
import type { Command } from '../command.js';
import { pulseFlags, pulseFlagsHelp, pulseAddressFrom } from '../pulse-connection.js';
import { readPayload } from '../rest-connection.js';
import { parseWithFieldFlags } from '../routing-key-flags.js';
import { UsageError } from '../usage-error.js';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'publish a message onto an exchange as the Taskcluster service would (for tests)',
  help: `Usage: tc-pulse publish <service>.<exchange> --payload <json|@file|-> [--<field> <value> ...] [options]

Publishes one message exactly as the Taskcluster service does, to drive a bot
in a test: the routing key from the fields (constants filled in, "_" for an
optional field left out), CC "route.<route>" for each --route, persistent JSON,
confirmed by the broker. The payload is checked against the exchange's message
schema first; a mismatch names the path and the rule (exit code 2). Prints
{exchange, routingKey, cc} as JSON. Fields are the exchange's routing-key
entries (see "tc-pulse list <service>").

Options:
  --payload <json>         the message body: JSON text, @file.json, or - to read
                           standard input (required)
  --route <route>          a task route, sent as CC "route.<route>" (repeatable)
  --exchange-prefix <p>    publish under this prefix instead of the service's,
                           e.g. exchange/<user>/test/ on a shared broker
  --no-validate            skip the schema check
  -h, --help               this help

${pulseFlagsHelp}

Example:
  tc-pulse publish queue.taskCompleted --payload @completed.json \\
    --taskId fN1SbArXTPSVFNUvaOlinQ --runId 0 --workerGroup us-east-1 --workerId i-0123 \\
    --provisionerId proj-x --workerType linux --schedulerId tc-ui \\
    --taskGroupId fN1SbArXTPSVFNUvaOlinQ --route index.proj-x.latest
`,
  async run(args, { stdout, env }) {
    const { reference, entry } = findExchange(args[0]);
    const { values, fields, positionals } = parseWithFieldFlags(args.slice(1), entry, {
      payload: { type: 'string' },
      route: { type: 'string', multiple: true },
      'exchange-prefix': { type: 'string' },
      'no-validate': { type: 'boolean' },
      ...pulseFlags,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; fields are flags, e.g. --taskId abc`);
    if (values.payload === undefined) throw new UsageError('--payload is required: JSON text, @file.json, or - for standard input');
    const payload = await readPayload(values.payload);
    const exchangePrefix = values['exchange-prefix'];
    const publisher = new PulsePublisher({ url: pulseAddressFrom(values, env), validate: values['no-validate'] !== true });
    try {
      const published = await publisher.publish(reference, entry.name, {
        fields,
        payload,
        routes: (values.route as string[] | undefined) ?? [],
        ...(typeof exchangePrefix === 'string' ? { exchangePrefix } : {}),
      });
      stdout.write(JSON.stringify({ exchange: published.exchange, routingKey: published.routingKey, cc: published.cc }) + '\n');
    } catch (error) {
      // Refused before sending (schema, routes, size): the input was wrong.
      if (error instanceof PublishError) throw new UsageError(error.message);
      throw error;
    } finally {
      await publisher.close();
    }
    return 0;
  },
};
