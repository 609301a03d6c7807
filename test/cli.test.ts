import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';
import { privateVhostFor } from './support/rabbit.js';

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

describe('tc-pulse listen (real RabbitMQ)', () => {
  it('prints one JSON line per message when piped, and exits after --count', async (t) => {
    const { spawn } = await import('node:child_process');
    const amqp = await import('amqplib');
    const exchange = 'exchange/taskcluster-queue/v1/task-completed';
    // The real exchange name: in a vhost of this test's own, so nothing is left on the shared broker.
    const vhost = await privateVhostFor(t, 'cli-listen');
    const publisher = await amqp.connect(vhost.url);
    try {
      const channel = await publisher.createConfirmChannel();
      // Taskcluster's exchanges exist on Pulse; locally the first publisher creates it.
      await channel.assertExchange(exchange, 'topic', { durable: true });
      const provisionerId = `cli-${process.pid}-${Date.now()}`;
      const child = spawn(process.execPath, [join(REPO, 'dist/cli/main.js'), 'listen', 'queue.taskCompleted', '--provisionerId', provisionerId, '--count', '2'], {
        env: { PATH: process.env.PATH, PULSE_URL: vhost.url },
      });
      t.after(() => child.kill('SIGKILL')); // if the test fails before it exits by itself
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" line; stderr: ${stderr}`)), 20_000);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk;
          if (stderr.includes('listening on')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      assert.match(stderr, new RegExp(`listening on ${exchange} primary\\.\\*\\.\\*\\.\\*\\.\\*\\.${provisionerId}\\.`));
      const key = (taskId: string, p: string) => `primary.${taskId}.0.wg.wi.${p}.linux.sched.grp._`;
      const body = (taskId: string) => Buffer.from(JSON.stringify({ version: 1, runId: 0, status: { taskId } }));
      const options = { persistent: true, contentType: 'application/json', headers: { CC: ['route.index.cli-test'] } };
      channel.publish(exchange, key('OTHER', 'someone-else'), body('OTHER'), options); // not bound: never printed
      channel.publish(exchange, key('T1', provisionerId), body('T1'), options);
      channel.publish(exchange, key('T2', provisionerId), body('T2'), options);
      await channel.waitForConfirms();
      assert.equal(await exited, 0, stderr);
      const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
      assert.deepEqual(lines.map((l) => l.fields.taskId), ['T1', 'T2']);
      assert.deepEqual(lines[0], {
        exchange,
        routingKey: key('T1', provisionerId),
        fields: {
          routingKeyKind: 'primary', taskId: 'T1', runId: '0', workerGroup: 'wg', workerId: 'wi',
          provisionerId, workerType: 'linux', schedulerId: 'sched', taskGroupId: 'grp', reserved: '_',
        },
        routes: ['index.cli-test'],
        payload: { version: 1, runId: 0, status: { taskId: 'T1' } },
        redelivered: false,
      });
    } finally {
      await publisher.close();
    }
  });

  it('reports a bad broker URL without echoing its password', () => {
    const result = tcPulse(['listen', 'queue.taskCompleted', '--count', '1', '--pulse-url', 'not a url s3cr3t']);
    assert.equal(result.code, 2);
    assert.doesNotMatch(result.stderr, /s3cr3t/);
    const count = tcPulse(['listen', 'queue.taskCompleted', '--count', 'many']);
    assert.equal(count.code, 2);
    assert.match(count.stderr, /--count must be a positive integer, got "many"/);
  });
});
