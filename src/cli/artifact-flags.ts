/** Flags and arguments the artifact commands (download, upload, log) share, checked before any request. */
import { Queue } from '../generated/clients/queue.js';
import { fromEnv } from '../rest/from-env.js';
import { SLUGID_PATTERN as TASK_ID } from '../rest/slugid.js';
import type { OptionValues } from './command-line.js';
import { UsageError } from './usage-error.js';

export const runFlag = { run: { type: 'string' } } as const;
export const timeoutFlag = { timeout: { type: 'string' } } as const;

export const timeoutFlagHelp = `  --timeout <s>         seconds to wait for storage's answer, or between two
                        chunks, before the transfer is retried (default 30)`;

export function checkTaskId(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('expected a <taskId>');
  if (!TASK_ID.test(value)) throw new UsageError(`<taskId> must be a slugid (22 characters of A-Z, a-z, 0-9, _ and -), got "${value}"`);
  return value;
}

/** `--run N`, or undefined (the latest run). */
export function runIdOf(values: OptionValues): number | undefined {
  const text = values.run;
  if (text === undefined) return undefined;
  const runId = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || !Number.isSafeInteger(runId)) {
    throw new UsageError(`--run must be a run number (a non-negative integer), got "${String(text)}"`);
  }
  return runId;
}

/** `--timeout` in milliseconds, or undefined (the library's default). */
export function timeoutOf(values: OptionValues): number | undefined {
  const text = values.timeout;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !(Number.isFinite(seconds) && seconds > 0)) {
    throw new UsageError(`--timeout must be a positive number of seconds, got "${String(text)}"`);
  }
  return seconds * 1000;
}

/** A queue client from the environment and `--root-url`, as the REST commands configure theirs. */
export function queueFrom(values: OptionValues, env: NodeJS.ProcessEnv): Queue {
  const rootUrl = values['root-url'];
  return new Queue(fromEnv(typeof rootUrl === 'string' ? { ...env, TASKCLUSTER_ROOT_URL: rootUrl } : env));
}
