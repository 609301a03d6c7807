/**
 * `npm run demo` as a newcomer runs it: a subprocess that must exit 0 by
 * itself and show the bot reacting, on the embedded broker and on the real
 * RabbitMQ; and fail fast, naming the broker, when there is none.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';
import { privateVhostFor } from './support/rabbit.js';

interface DemoRun {
  readonly code: number | null;
  readonly stdout: string[];
  readonly stderr: string;
  readonly ms: number;
}

const LIMIT_MS = 60_000;

function runDemo(env: NodeJS.ProcessEnv): Promise<DemoRun> {
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', 'demo'], {
    cwd: REPO,
    env: { ...process.env, npm_config_update_notifier: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout: stdout.trimEnd().split('\n'), stderr, ms: performance.now() - started });
    }),
  );
}

/** The demo's story, checked line by line: published, then handled, for the same three tasks. */
function assertBotReacted(run: DemoRun, pulseShown: string): void {
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.ms < LIMIT_MS, `${run.ms} ms`);
  assert.equal(run.stderr, '');
  const [first, ...rest] = run.stdout;
  assert.match(first!, new RegExp(`^demo: Pulse at ${pulseShown.replace(/[.*+?/]/g, '\\$&')}, fake Taskcluster at http://127\\.0\\.0\\.1:\\d+$`));
  const published = rest.flatMap((line) => /^queue: published primary\.([\w-]{22})\.0\.us-east-1\.i-00\d\.proj-demo\.[\w-]+\.-\.[\w-]{22}\._$/.exec(line)?.[1] ?? []);
  const handled = rest.flatMap((line) => {
    const match = /^bot: task ([\w-]{22}) "([^"]+)" completed on ([\w-]+); owner (\S+)$/.exec(line);
    return match ? [match.slice(1).join(' ')] : [];
  });
  assert.equal(published.length, 3, run.stdout.join('\n'));
  assert.deepEqual(
    handled.sort(),
    [
      `${published[0]} build linux64 b-linux alice@example.com`,
      `${published[1]} test linux64 unit t-linux alice@example.com`,
      `${published[2]} lint b-linux-small bob@example.com`,
    ].sort(),
  );
  assert.equal(run.stdout.at(-1), 'demo: the bot handled 3 messages and made 3 Hawk-verified calls to queue.task; done');
  assert.equal(run.stdout.length, 8, run.stdout.join('\n'));
}

describe('npm run demo', () => {
  it('on the embedded broker (no PULSE_URL): the bot reacts to each completed task, then it exits 0', async (t) => {
    const run = await runDemo({ PULSE_URL: '' });
    assertBotReacted(run, 'memory://demo');
    t.diagnostic(`demo on memory://: ${Math.round(run.ms)} ms`);
  });

  it('on the real RabbitMQ (PULSE_URL), password not shown', async (t) => {
    // The demo uses the real exchange names: in a vhost of this test's own, so nothing is left on the shared broker.
    const { url } = await privateVhostFor(t, 'demo');
    const run = await runDemo({ PULSE_URL: url });
    assertBotReacted(run, url.replace(/:[^:@/]+@/, ':***@'));
    t.diagnostic(`demo on RabbitMQ: ${Math.round(run.ms)} ms`);
  });

  it('with no broker at PULSE_URL: exits 1 at once, saying which broker, password not shown', async () => {
    const run = await runDemo({ PULSE_URL: 'amqp://guest:s3cret-pw@127.0.0.1:1' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^demo failed: PulsePublisher: cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1: connect ECONNREFUSED/m);
    assert.doesNotMatch(run.stderr + run.stdout.join('\n'), /s3cret-pw/);
  });
});
