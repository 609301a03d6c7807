import { referenceSchemaPath } from '../../references/schema-ids.js';
import type { ExchangeEntry, ExchangeReference } from '../../references/types.js';
import { packageValidator } from '../../testing/message-validator.js';
import { PublishError } from '../../testing/publish-errors.js';
import { PulsePublisher } from '../../testing/pulse-publisher.js';
import { findExchange } from '../catalog.js';
import type { Command } from '../command.js';
import { exchangePrefixFlag, exchangePrefixFrom } from '../exchange-prefix.js';
import { fieldPayloadMismatches, putFieldsIntoPayload } from '../payload-fields.js';
import { payloadTemplate } from '../payload-template.js';
import { pulseFlags, pulseFlagsHelp, pulseAddressFrom } from '../pulse-connection.js';
import { readPayload } from '../rest-connection.js';
import { fieldsFor, missingRequiredFields, parseWithFieldFlags } from '../routing-key-flags.js';
import { UsageError } from '../usage-error.js';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'publish a message onto an exchange as the Taskcluster service would (for tests)',
  help: `Usage: tc-pulse publish <service>.<exchange> --payload <json|@file|-> [<value> ...] [--<field> <value> ...] [options]
       tc-pulse publish <service>.<exchange> --template [--<field> <value> ...]

Publishes one message exactly as the Taskcluster service does, to drive a bot
in a test: the routing key from the fields (constants filled in, "_" for an
optional field left out), CC "route.<route>" for each --route, persistent JSON,
confirmed by the broker. Before connecting it checks, and reports with exit
code 2: every missing required field at once; fields that disagree with the
payload (--taskId against status.taskId, --runId against runId, ...); the
payload against the exchange's message schema (naming the path and the rule);
the size. Prints {exchange, routingKey, cc} as JSON. Fields are the exchange's
routing-key entries (see "tc-pulse list <service>"), as flags or as values in
order ("queue.taskCompleted abc 0" is taskId abc, runId 0).

Options:
  --payload <json>           the message body: JSON text, @file.json, or - to
                             read standard input (required)
  --template                 print an example payload the schema accepts (with
                             the fields given filled in) and exit; edit it and
                             pass it back with --payload
  --route <route>            a task route, sent as CC "route.<route>" (repeatable)
  --exchange-prefix <p>      publish under this prefix instead of the service's;
                             must end with "/", e.g. exchange/<user>/test/
  --max-message-bytes <n>    refuse messages larger than n bytes (default 8192,
                             Pulse's guidance)
  --no-validate              skip the schema check (and the field check)
  -h, --help                 this help

${pulseFlagsHelp}

Example:
  tc-pulse publish queue.taskCompleted --template --taskId fN1SbArXTPSVFNUvaOlinQ > completed.json
  tc-pulse publish queue.taskCompleted --payload @completed.json \\
    --taskId fN1SbArXTPSVFNUvaOlinQ --runId 0 --workerGroup us-east-1 --workerId i-0123 \\
    --provisionerId proj-x --workerType linux --schedulerId tc-ui \\
    --taskGroupId fN1SbArXTPSVFNUvaOlinQ --route index.proj-x.latest
`,
  async run(args, { stdout, env }) {
    const { reference, entry } = findExchange(args[0]);
    const label = `${reference.serviceName}.${entry.name}`;
    const { values, flagFields, positionals } = parseWithFieldFlags(args.slice(1), entry, {
      payload: { type: 'string' },
      template: { type: 'boolean' },
      route: { type: 'string', multiple: true },
      'max-message-bytes': { type: 'string' },
      'no-validate': { type: 'boolean' },
      ...exchangePrefixFlag,
      ...pulseFlags,
    });
    const fields = fieldsFor(label, entry, positionals, flagFields);
    const exchangePrefix = exchangePrefixFrom(values);
    const maxMessageBytes = maxMessageBytesFrom(values);
    const validate = values['no-validate'] !== true;
    if (values.template === true) {
      if (values.payload !== undefined) throw new UsageError('--template prints a payload; it does not take --payload');
      const template = payloadTemplate(reference, entry);
      putFieldsIntoPayload(fields, template);
      // A field can make the template invalid (--runId -1): say so now, not when it is published.
      if (validate) checkPayload(exchangePrefix, reference, entry, template, 'the fields given make the template invalid');
      stdout.write(JSON.stringify(template, null, 2) + '\n');
      return 0;
    }
    if (values.payload === undefined) throw new UsageError('--payload is required: JSON text, @file.json, or - for standard input (--template prints an example)');
    const missing = missingRequiredFields(entry, fields);
    if (missing.length > 0) throw new UsageError(`${label} needs every required routing-key field to publish; missing: ${missing.map((n) => `--${n}`).join(' ')}`);
    const payload = await readPayload(values.payload);
    // The schema first: a field can only be compared with a payload that has the right shape.
    if (validate) checkPayload(exchangePrefix, reference, entry, payload);
    const mismatches = validate ? fieldPayloadMismatches(fields, payload) : [];
    if (mismatches.length > 0) throw new UsageError(`the routing key would disagree with the payload: ${mismatches.join('; ')}`);

    const publisher = new PulsePublisher({ url: pulseAddressFrom(values, env), validate, ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }) });
    try {
      const published = await publisher.publish(reference, entry.name, {
        fields,
        payload,
        routes: (values.route as string[] | undefined) ?? [],
        ...(exchangePrefix === undefined ? {} : { exchangePrefix }),
      });
      stdout.write(JSON.stringify({ exchange: published.exchange, routingKey: published.routingKey, cc: published.cc }) + '\n');
    } catch (error) {
      // Refused before sending (schema, routes, size): the input was wrong. The library's option is this command's flag.
      if (error instanceof PublishError) throw new UsageError(error.message.replace('raise maxMessageBytes', 'raise it with --max-message-bytes'));
      throw error;
    } finally {
      await publisher.close();
    }
    return 0;
  },
};

/** Checks a payload against the exchange's schema (as the publisher will), as a usage error naming path and rule. */
function checkPayload(prefix: string | undefined, reference: ExchangeReference, entry: ExchangeEntry, payload: unknown, context?: string): void {
  try {
    packageValidator().validate((prefix ?? reference.exchangePrefix) + entry.exchange, referenceSchemaPath(reference.serviceName, entry.schema), payload);
  } catch (error) {
    if (error instanceof PublishError) throw new UsageError(context ? `${context}: ${error.message}` : error.message);
    throw error;
  }
}

function maxMessageBytesFrom(values: Readonly<Record<string, unknown>>): number | undefined {
  const given = values['max-message-bytes'];
  if (given === undefined) return undefined;
  const bytes = Number(given);
  if (!(typeof given === 'string' && /^\d+$/.test(given) && Number.isSafeInteger(bytes) && bytes > 0)) {
    throw new UsageError(`--max-message-bytes must be a positive whole number of bytes, got "${String(given)}"`);
  }
  return bytes;
}
