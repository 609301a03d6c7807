import { readFile } from 'node:fs/promises';
import { createClient, type DynamicClient } from '../rest/create-client.js';
import { fromEnv } from '../rest/from-env.js';
import type { ApiReference } from '../references/types.js';
import { UsageError } from './usage-error.js';

/** Flags every command that calls Taskcluster accepts. */
export const restFlags = {
  'root-url': { type: 'string' },
} as const;

export const restFlagsHelp = `Connection:
  --root-url <url>   the deployment, e.g. https://tc.example.com. Default:
                     TASKCLUSTER_ROOT_URL. Credentials come from
                     TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN and
                     TASKCLUSTER_CERTIFICATE (never from flags, so they stay out
                     of shell history); TASKCLUSTER_PROXY_URL is honoured.`;

/** A client for one API reference, configured from the environment and `--root-url`. */
export function restClientFrom(reference: ApiReference, values: Record<string, unknown>, env: NodeJS.ProcessEnv): DynamicClient {
  const rootUrl = values['root-url'];
  const fromFlags = typeof rootUrl === 'string' ? { ...env, TASKCLUSTER_ROOT_URL: rootUrl } : env;
  return createClient(reference, fromEnv(fromFlags));
}

/** `--payload '{"a":1}'`, `--payload @file.json` or `--payload -` (standard input). */
export async function readPayload(value: unknown, stdin: NodeJS.ReadableStream = process.stdin): Promise<unknown> {
  if (typeof value !== 'string') return undefined;
  let text = value;
  if (value === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    text = Buffer.concat(chunks).toString('utf8');
  } else if (value.startsWith('@')) {
    text = await readFile(value.slice(1), 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--payload ${value}: cannot read the file (${error.code ?? error.message})`);
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload is not valid JSON: ${(error as Error).message}`);
  }
}

/** `--query key=value`, repeatable. */
export function parseQuery(values: unknown): Record<string, string> | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  const query: Record<string, string> = {};
  for (const pair of values as string[]) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--query takes key=value, got "${pair}"`);
    query[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return query;
}
