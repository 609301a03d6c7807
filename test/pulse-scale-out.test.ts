/**
 * Scale-out: several bot processes on one named queue share its messages
 * (competing consumers); when one dies, the broker hands its unacknowledged
 * messages to the others. Real child processes, real broker, SIGKILL.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { eventually, uniqueName } from './support/rabbit.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const binding = events.taskCompleted();
const workerPath = fileURLToPath(new URL('./support/rabbit-worker.ts', import.meta.url));
const workers: Worker[] = [];
// Registered before the suite's cleanup, so it runs first: a worker still alive
// when its queue is deleted would declare the queue again.
after(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
});
const suite = useRabbitSuite({ exchanges: [binding.exchange], connectionPrefix: 'pulse-scale-out-test' });
const { queueFor } = suite;

interface WorkerLine {
  readonly pid: number;
  readonly event: 'ready' | 'started' | 'handled' | 'error';
  readonly taskId?: string;
  readonly redelivered?: boolean;
}

/** A bot process and what it has said so far. */
class Worker {
  readonly lines: WorkerLine[] = [];
  readonly process: ChildProcess;

  constructor(queueName: string, handlerDelayMs: number) {
    this.process = spawn(process.execPath, ['--import', 'tsx', workerPath], {
      env: {
        ...process.env,
        QUEUE_NAME: queueName,
        EXCHANGE_PREFIX: events.exchangePrefix,
        CONNECTION_NAME: uniqueName('pulse-scale-out-worker'),
        HANDLER_DELAY_MS: String(handlerDelayMs),
        PREFETCH: '5',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: this.process.stdout! }).on('line', (line) => this.lines.push(JSON.parse(line) as WorkerLine));
    workers.push(this);
  }

  handled(): string[] {
    return this.lines.filter((l) => l.event === 'handled').map((l) => l.taskId!);
  }

  started(): string[] {
    return this.lines.filter((l) => l.event === 'started').map((l) => l.taskId!);
  }

  ready(): Promise<void> {
    return eventually(() => this.lines.some((l) => l.event === 'ready'), 'worker ready', 20_000);
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill(signal);
    await exited;
  }
}

describe('scale-out', () => {
  test('two processes on one named queue share its messages, each message handled once', async (t) => {
    const queueName = queueFor('shared');
    const a = new Worker(queueName, 10);
    const b = new Worker(queueName, 10);
    await Promise.all([a.ready(), b.ready()]);
    const total = 100;
    for (let i = 0; i < total; i++) await publishCompleted(suite.publisher, binding, `s${i}`);
    await eventually(() => a.handled().length + b.handled().length >= total, 'all handled', 20_000);
    const all = [...a.handled(), ...b.handled()];
    t.diagnostic(`worker A handled ${a.handled().length}, worker B ${b.handled().length}, duplicates ${all.length - new Set(all).size}`);
    assert.equal(new Set(all).size, total, 'every message handled');
    assert.ok(a.handled().length > 0 && b.handled().length > 0, 'both processes took a share');
    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
  });

  test('a process killed with unacked messages: the broker hands them to the survivor; lost 0', async (t) => {
    const queueName = queueFor('failover');
    // The doomed worker holds its messages for a long time, so they are unacked when it dies.
    const doomed = new Worker(queueName, 60_000);
    const survivor = new Worker(queueName, 5);
    await Promise.all([doomed.ready(), survivor.ready()]);
    const total = 40;
    for (let i = 0; i < total; i++) await publishCompleted(suite.publisher, binding, `f${i}`);
    await eventually(() => doomed.started().length > 0, 'the doomed worker holding messages');
    const held = doomed.started();
    await doomed.stop('SIGKILL');
    await eventually(() => new Set(survivor.handled()).size === total, 'the survivor handled everything', 20_000);
    const redelivered = survivor.lines.filter((l) => l.event === 'started' && l.redelivered).map((l) => l.taskId);
    t.diagnostic(`the killed process held ${held.length} unacked; the survivor got them redelivered: ${redelivered.length}`);
    assert.deepEqual(doomed.handled(), [], 'the killed process finished nothing');
    for (const id of held) assert.ok(redelivered.includes(id), `${id} was redelivered to the survivor`);
    await survivor.stop('SIGTERM');
  });
});
