/**
 * Runs the built `tc-pulse` binary as a user's shell would (npm test builds
 * first): to completion, or as a listener the test waits on.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { REPO } from './project-references.js';

export const CLI = join(REPO, 'dist/cli/main.js');
/** A broker nobody listens on: a command that gets as far as connecting fails with exit code 1, not 2. */
export const NO_BROKER = 'amqp://guest:guest@127.0.0.1:1';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function tcPulse(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...options.env },
    input: options.input ?? '',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A running `tc-pulse listen`: `ready` once it is consuming, `exited` with its output. */
export interface Listener {
  readonly ready: Promise<string>;
  readonly exited: Promise<CliResult>;
}

/** Starts `tc-pulse listen <args>`; killed after the test if it has not exited by itself. */
export function startListener(t: TestContext, args: readonly string[], env: NodeJS.ProcessEnv, bindings = 1): Listener {
  const child = spawn(process.execPath, [CLI, 'listen', ...args], { env: { PATH: process.env.PATH, ...env } });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  const exited = new Promise<CliResult>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tc-pulse listen did not start within 20 s: ${stderr}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (stderr.split('listening on').length > bindings) resolve((clearTimeout(timer), stderr));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tc-pulse listen exited before listening: ${stderr}`));
    });
  });
  return { ready, exited };
}
