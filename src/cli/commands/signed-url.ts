import { findMethod } from '../catalog.js';
import type { Command } from '../command.js';
import { parseCommandLine } from '../command-line.js';
import { parseQuery, restClientFrom, restFlags, restFlagsHelp } from '../rest-connection.js';
import { checkRouteArguments } from '../route-arguments.js';
import { UsageError } from '../usage-error.js';

export const signedUrlCommand: Command = {
  name: 'signed-url',
  summary: 'print a signed URL (bewit) for a GET method, usable without credentials',
  help: `Usage: tc-pulse signed-url <service>.<method> [<arg> ...] [--expiration <seconds>] [--query key=value ...]

Prints a URL anyone can GET until it expires, signed with the credentials from
the environment. GET methods only.

Options:
  --expiration <s>      seconds the URL stays valid (default 900)
  --query key=value     a query parameter the method accepts (repeatable)
  -h, --help            this help

${restFlagsHelp}

Example:
  tc-pulse signed-url queue.getLatestArtifact fN1ApJ8dRmCLkJ1GBhoqSw private/logs/live.log
`,
  async run(args, { stdout, env }) {
    const { reference, entry } = findMethod(args[0]);
    const { values, positionals } = parseCommandLine(args.slice(1), { expiration: { type: 'string' }, query: { type: 'string', multiple: true }, ...restFlags });
    checkRouteArguments(`${reference.serviceName}.${entry.name}`, entry.args, positionals);
    const expiration = values.expiration === undefined ? 900 : Number(values.expiration);
    if (!(Number.isSafeInteger(expiration) && expiration > 0)) {
      throw new UsageError(`--expiration must be a positive number of seconds, got "${values.expiration}"`);
    }
    const client = restClientFrom(reference, values, env);
    const method = client[entry.name as keyof typeof client] as unknown as (...a: never[]) => Promise<unknown>;
    const query = parseQuery(values.query);
    const callArgs: unknown[] = [...positionals, ...(query ? [query] : [])];
    const sign = client.buildSignedUrl as (m: unknown, ...rest: unknown[]) => string;
    stdout.write(sign.call(client, method, ...callArgs, { expiration }) + '\n');
    return 0;
  },
};
