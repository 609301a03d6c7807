import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';

/** Runs the built binary, as a user's shell would (npm test builds first). */
export function tcPulse(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO, 'dist/cli/main.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tc-pulse CLI', () => {
  it('lists commands with --help, and exits 2 without a command', () => {
    const help = tcPulse(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: tc-pulse <command>/);
    assert.match(help.stdout, /bindings\s+print the binding/);
    assert.equal(tcPulse([]).code, 2);
  });

  it('every command has --help', () => {
    const names = [...tcPulse(['--help']).stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]!);
    assert.ok(names.length >= 2, names.join(','));
    for (const name of names) {
      const result = tcPulse([name, '--help']);
      assert.equal(result.code, 0, name);
      assert.match(result.stdout, new RegExp(`^Usage: tc-pulse ${name}`), name);
    }
  });

  it('bindings prints the binding for given fields', () => {
    const result = tcPulse(['bindings', 'queue.taskCompleted', '--taskId', 'abc', '--runId', '0']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      exchange: 'exchange/taskcluster-queue/v1/task-completed',
      routingKeyPattern: 'primary.abc.0.*.*.*.*.*.*.#',
    });
    const raw = tcPulse(['bindings', 'worker-manager.workerRunning', '--pattern', 'primary.#']);
    assert.equal(JSON.parse(raw.stdout).routingKeyPattern, 'primary.#');
  });

  it('bad input is a clear error with exit code 2', () => {
    const typo = tcPulse(['bindings', 'queue.taskCompleted', '--taskid', 'abc']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option --taskid \(did you mean --taskId\?\); routing-key fields of taskCompleted: --taskId/);
    const dot = tcPulse(['bindings', 'queue.taskCompleted', '--taskId', 'a.b']);
    assert.equal(dot.code, 2);
    assert.match(dot.stderr, /field "taskId"\): "a.b" contains a dot/);
    const service = tcPulse(['bindings', 'qeue.taskCompleted']);
    assert.match(service.stderr, /no service "qeue" with exchanges; known: auth, github, hooks/);
    const exchange = tcPulse(['bindings', 'queue.taskComplete']);
    assert.match(exchange.stderr, /queue has no exchange "taskComplete"; known: taskDefined/);
    const shape = tcPulse(['bindings', 'taskCompleted']);
    assert.match(shape.stderr, /expected <service>.<exchange>, e.g. queue.taskCompleted/);
    const command = tcPulse(['lisen']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command "lisen"/);
  });

  it('list shows services, then a service\'s exchanges and methods', () => {
    const all = tcPulse(['list']);
    assert.match(all.stdout, /^queue\s+11 exchanges\s+\d+ methods$/m);
    const queue = tcPulse(['list', 'queue']);
    assert.match(queue.stdout, /^exchange queue\.taskCompleted {2}primary\.<taskId>\.<runId>/m);
    assert.match(queue.stdout, /^method {3}queue\.task <taskId> {2}GET \/task\/<taskId>$/m);
  });
});
