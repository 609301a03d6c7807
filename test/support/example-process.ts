import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO } from './project-references.js';

/** An example running in its own process, its output collected line by line. */
export interface ExampleProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
}

/**
 * Starts `examples/<example>` in its own process, added to `running` (for the
 * caller to kill after its tests). Node itself with tsx's loader (not the tsx
 * CLI, which would put a process in between), so a kill reaches the example
 * and leaves no orphan behind.
 */
export function startExample(running: ChildProcess[], example: string, env: NodeJS.ProcessEnv, ...args: string[]): ExampleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${example}`, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}
