/**
 * `npm run bench:instructions`: client instructions per message, counted by
 * valgrind's callgrind, for raw amqplib and our listen() and consume(). Unlike
 * times, instruction counts barely move with the machine's load, so they
 * compare two versions of the hot path on a shared machine.
 *
 * Each contender drains a pre-filled queue twice in a process of its own under
 * callgrind, once with BENCH_INSTR_MESSAGES messages and once with twice as
 * many; the difference of the two totals over BENCH_INSTR_MESSAGES is the cost
 * of a message (start-up, connecting and JIT warm-up cancel out). Node runs
 * with --single-threaded and fixed seeds so that background compilation, GC
 * threads and hash layouts do not vary between runs. Needs valgrind; our
 * client comes from dist/ (BENCH_CLIENT).
 *
 * BENCH_INSTR_BROKER=memory runs ours (not the peers, which need a socket) on
 * the embedded memory:// broker instead, filled in the same process: no
 * network, so nothing varies with timing (how many messages each socket read
 * brings); the broker's own work is included, the same for both versions
 * compared. There counting starts after 5,000 warm-up messages, once the JIT
 * has compiled the path (callgrind_control turns it on).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqplib from 'amqplib';
import { clientSourceOf, loadPulse } from './client-source.js';
import { drain } from './contender.js';
import { CONTENDERS } from './contenders/index.js';
import { fmt } from './report.js';
import { BENCH_URL, declareExchange, declareQueue, exchange, fill, RUN_ID, type BenchQueue } from './workload.js';

const DEFAULT_CONTENDERS = ['amqplib', 'listen', 'consume'];
const PREFETCH = 100;

/** In a child under callgrind: drain `count` messages from the queue with one contender. */
async function drainChild(name: string, queue: BenchQueue, count: number): Promise<void> {
  const contender = CONTENDERS.find((c) => c.name === name)!;
  await drain(contender, queue, { count, prefetch: PREFETCH, timeoutMs: 600_000 });
}

/** In a child under callgrind, on the memory broker (BENCH_RABBIT_URL is its memory:// URL): fill, then drain. */
async function memoryChild(name: string, queueName: string, count: number): Promise<void> {
  await loadPulse();
  // The broker module of the same build as the client: importing it registers the memory:// connector there.
  const broker = (await import(new URL(clientSourceOf(process.env) === 'dist' ? '../../dist/memory-broker/index.js' : '../../src/memory-broker/index.ts', import.meta.url).href)) as typeof import('../../src/memory-broker/index.js');
  const connection = await broker.connectMemoryBroker(BENCH_URL);
  const channel = (await connection.createChannel()) as unknown as amqplib.Channel;
  await declareExchange(channel);
  const queue = await declareQueue(channel, queueName, 'classic');
  await fill(channel, queue, WARM_UP + count);
  // Counted only once the code is warm: JIT compilation would otherwise differ between the two drains.
  await drainChild(name, queue, WARM_UP);
  await callgrindControl('--instr=on');
  await drainChild(name, queue, count);
  await connection.close();
}

/** Messages drained before callgrind starts counting (memory:// only). */
const WARM_UP = 5_000;

/** Tells callgrind about this process; asynchronously, since callgrind answers only while this process runs code. */
function callgrindControl(command: string): Promise<void> {
  const control = spawn('callgrind_control', [command, String(process.pid)], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    control.on('error', reject);
    control.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`callgrind_control ${command} failed (${code})`))));
  });
}

/** Runs this script with `args` under callgrind; asynchronously, so that the admin connection keeps answering heartbeats meanwhile. */
function underCallgrind(out: string, args: readonly string[], brokerUrl = BENCH_URL, options: readonly string[] = []): Promise<void> {
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--smc-check=all-non-file', ...options, `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', '--hash-seed=1', '--random-seed=1', '--import', 'tsx', fileURLToPath(import.meta.url), ...args],
    { env: { ...process.env, BENCH_RUN_ID: RUN_ID, BENCH_RABBIT_URL: brokerUrl }, stdio: ['ignore', 'inherit', 'pipe'], timeout: 900_000 },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`drain under callgrind failed (${code ?? signal}): ${stderr}`))));
  });
}

/** Total instructions (Ir) of one callgrind run. */
function instructionsOf(file: string): number {
  const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!totals) throw new Error(`no totals in ${file}`);
  return Number(totals[1]);
}

async function main(): Promise<void> {
  const messages = Number(process.env.BENCH_INSTR_MESSAGES ?? 2_000);
  if (!Number.isSafeInteger(messages) || messages < 100) throw new Error(`BENCH_INSTR_MESSAGES must be an integer ≥ 100, got "${process.env.BENCH_INSTR_MESSAGES}"`);
  const memory = process.env.BENCH_INSTR_BROKER === 'memory';
  const names = process.env.BENCH_CONTENDERS ? process.env.BENCH_CONTENDERS.split(',') : DEFAULT_CONTENDERS.filter((name) => !memory || name !== 'amqplib');
  const unknown = names.filter((name) => !CONTENDERS.some((c) => c.name === name));
  if (unknown.length > 0) throw new Error(`BENCH_CONTENDERS: unknown ${unknown.join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-instructions-'));
  const admin = await amqplib.connect(BENCH_URL, { clientProperties: { connection_name: `bench-instructions-${RUN_ID}` } });
  const channel = await admin.createChannel();
  await declareExchange(channel);
  console.log(
    `client instructions per message (callgrind), from drains of ${fmt(messages)} and ${fmt(2 * messages)} messages, prefetch ${PREFETCH}, ${memory ? 'memory:// broker (its work included)' : 'RabbitMQ'}:`,
  );
  try {
    for (const name of names) {
      const totals: number[] = [];
      for (const count of [messages, 2 * messages]) {
        const out = join(dir, `${name}-${count}.out`);
        const queueName = `bench-instr-${RUN_ID}-${name}-${count}`;
        if (memory) {
          await underCallgrind(out, ['memory', name, queueName, String(count)], `memory://bench-instr-${RUN_ID}`, ['--instr-atstart=no']);
        } else {
          const queue = await declareQueue(channel, queueName, 'classic');
          try {
            await fill(channel, queue, count);
            await underCallgrind(out, ['drain', name, queue.name, String(count)]);
          } finally {
            await channel.deleteQueue(queue.fullName);
          }
        }
        totals.push(instructionsOf(out));
      }
      const perMessage = (totals[1]! - totals[0]!) / messages;
      console.log(`  ${name.padEnd(8)} ${fmt(perMessage).padStart(9)} instructions/message  (totals ${fmt(totals[0]!)} and ${fmt(totals[1]!)})`);
    }
  } finally {
    await channel.deleteExchange(exchange).catch(() => undefined);
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, name, queueName, count] = process.argv.slice(2);
if (mode === 'drain') await drainChild(name!, { name: queueName!, fullName: `queue/guest/${queueName}`, type: 'classic' }, Number(count));
else if (mode === 'memory') await memoryChild(name!, queueName!, Number(count));
else await main();
