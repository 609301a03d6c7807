import { findMethod } from '../catalog.js';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { parseQuery, readPayload, restClientFrom, restFlags, restFlagsHelp } from '../rest-connection.js';
import { checkRouteArguments } from '../route-arguments.js';
import { UsageError } from '../usage-error.js';

export const callCommand: Command = {
  name: 'call',
  summary: 'call a Taskcluster API method and print its answer as JSON',
  help: `Usage: tc-pulse call <service>.<method> [<arg> ...] [--payload <json>] [--query key=value ...]

Calls the method with its route arguments in order (see "tc-pulse list
<service>"), signed with the credentials from the environment, and prints the
answer as JSON. Errors print the status code and the service's message; exit 1.

Options:
  --payload <json>      the request body: JSON text, @file.json, or - for stdin
  --query key=value     a query parameter the method accepts (repeatable)
  -h, --help            this help

${restFlagsHelp}

Example:
  tc-pulse call queue.task fN1ApJ8dRmCLkJ1GBhoqSw
  tc-pulse call queue.listTaskGroup fN1ApJ8dRmCLkJ1GBhoqSw --query limit=10
`,
  async run(args, { stdout, env }) {
    const { reference, entry } = findMethod(args[0]);
    const { values, positionals } = parseCommandLine(args.slice(1), { payload: { type: 'string' }, query: { type: 'string', multiple: true }, ...restFlags });
    checkRouteArguments(`${reference.serviceName}.${entry.name}`, entry.args, positionals);
    const payload = await readPayload(values.payload);
    if (payload === undefined && entry.input) throw new UsageError(`${reference.serviceName}.${entry.name} needs --payload (its input schema: ${entry.input})`);
    if (payload !== undefined && !entry.input) throw new UsageError(`${reference.serviceName}.${entry.name} takes no payload`);
    const query = parseQuery(values.query);
    const client = restClientFrom(reference, values, env);
    const method = client[entry.name as keyof typeof client] as unknown as (...a: unknown[]) => Promise<unknown>;
    const callArgs: unknown[] = [...positionals];
    if (payload !== undefined) callArgs.push(payload);
    if (query) callArgs.push(query);
    const answer = await method.apply(client, callArgs);
    stdout.write((stdout.isTTY ? JSON.stringify(answer ?? null, null, 2) : JSON.stringify(answer ?? null)) + '\n');
    return 0;
  },
};
