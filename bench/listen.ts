/**
 * `npm run bench:listen`: messages per second through
 *   - raw:     amqplib `channel.consume` + `JSON.parse` + `ack` (the limit),
 *   - raw-batched: the same, acks batched per event-loop turn with one
 *              `multiple` ack, as the client does (the fair limit for it),
 *   - listen:  `client.listen()` (decode: JSON, routing key, routes; auto ack),
 *   - listen-validated: the same with `validate: true` (each payload checked
 *              against the exchange's schema),
 *   - consume: `client.consume()` with a no-op handler (ack after it resolves),
 * with the same prefetch, the same realistic task-completed payloads and CC
 * routes, on the same kind of queue, interleaved in rounds; prints ratios.
 * Then publish-to-handler latency (p50/p99, publisher and consumer on
 * separate connections, noDelay), raw vs listen(); then heap and RSS while
 * 200k messages stream through listen(), to show there is no growth.
 *
 * Each throughput run drains a queue pre-filled with BENCH_MESSAGES (default
 * 30000) messages, so the publisher is not what is measured. Knobs:
 * BENCH_MESSAGES, BENCH_ROUNDS (3), BENCH_PREFETCH (100), BENCH_LATENCY_SAMPLES
 * (2000), BENCH_MEMORY_MESSAGES (200000). Uses only 127.0.0.1:5672.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import amqplib from 'amqplib';
import { firstValueFrom, Subject, take } from 'rxjs';
import { buildRoutingKey } from '../src/bindings/routing-key.js';
import { QueueEvents } from '../src/generated/exchanges/queue.js';
import { PulseClient } from '../src/pulse/index.js';

const URL = process.env.BENCH_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 30_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PREFETCH = Number(process.env.BENCH_PREFETCH ?? 100);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 2_000);
const MEMORY_MESSAGES = Number(process.env.BENCH_MEMORY_MESSAGES ?? 200_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const run = randomBytes(3).toString('hex');
const events = new QueueEvents({ exchangePrefix: `exchange/bench-${run}/` });
const binding = events.taskCompleted();
const exchange = binding.exchange;

/** A distinct task id per message, shaped like a slugid (as the schema requires). */
function taskId(i: number): string {
  return `${i.toString(36).padStart(8, '0')}TPSVFNUvaOlinQ`;
}

function routingKey(i: number): string {
  return buildRoutingKey(exchange, binding.routingKeyReference, {
    taskId: taskId(i),
    runId: 0,
    workerGroup: 'us-east-1',
    workerId: 'i-0123456789abcdef0',
    provisionerId: 'proj-bench',
    workerType: 'linux',
    schedulerId: 'taskcluster-github',
    taskGroupId: 'fN1SbArXTPSVFNUvaOlinQ',
  });
}

/** A task-completed message of realistic size (about 1 KB), valid by its schema unless it carries `sentAt` (for the latency runs). */
function body(i: number, sentAt = 0): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: 1,
      status: {
        taskId: taskId(i),
        provisionerId: 'proj-bench',
        workerType: 'linux',
        taskQueueId: 'proj-bench/linux',
        schedulerId: 'taskcluster-github',
        projectId: 'bench',
        taskGroupId: 'fN1SbArXTPSVFNUvaOlinQ',
        deadline: '2026-01-02T00:00:00.000Z',
        expires: '2027-01-01T00:00:00.000Z',
        retriesLeft: 5,
        state: 'completed',
        runs: [
          {
            runId: 0,
            state: 'completed',
            reasonCreated: 'scheduled',
            reasonResolved: 'completed',
            workerGroup: 'us-east-1',
            workerId: 'i-0123456789abcdef0',
            takenUntil: '2026-01-01T00:20:00.000Z',
            scheduled: '2026-01-01T00:00:00.000Z',
            started: '2026-01-01T00:00:05.000Z',
            resolved: '2026-01-01T00:10:00.000Z',
          },
        ],
      },
      runId: 0,
      workerGroup: 'us-east-1',
      workerId: 'i-0123456789abcdef0',
      ...(sentAt ? { sentAt } : {}),
    }),
  );
}

const CC = ['route.index.project.bench.latest', 'route.checks'];

const MODES = ['raw', 'raw-batched', 'listen', 'listen-validated', 'consume'] as const;
type Mode = (typeof MODES)[number];

async function main(): Promise<void> {
  const admin = await amqplib.connect(URL, { noDelay: true, clientProperties: { connection_name: `bench-listen-admin-${run}` } });
  const channel = await admin.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
  const queues: string[] = [];
  try {
    console.log(`bench:listen — ${MESSAGES} messages per run, ${ROUNDS} rounds, prefetch ${PREFETCH}, ${body(0).length}-byte payloads + ${CC.length} CC routes\n`);
    // Warm-up (JIT, connection setup paths), not counted.
    for (const mode of MODES) {
      const queueName = `bench-${run}-warmup-${mode}`;
      const queue = `queue/guest/${queueName}`;
      queues.push(queue);
      await channel.assertQueue(queue, { durable: true, exclusive: false, autoDelete: false, arguments: { 'x-queue-type': 'classic' } });
      await channel.bindQueue(queue, exchange, binding.routingKeyPattern);
      await fill(channel, queue, 3_000);
      await drain(mode, queue, queueName, 3_000);
      await channel.deleteQueue(queue);
    }
    const perMode = () => Object.fromEntries(MODES.map((mode) => [mode, []])) as unknown as Record<Mode, number[]>;
    const rates = perMode();
    const cpu = perMode();
    for (let round = 1; round <= ROUNDS; round++) {
      // Rotate the order each round, so that drift and warm-up hit each contender alike.
      const modes = MODES.map((_, i, all) => all[(i + round - 1) % all.length]!);
      for (const mode of modes) {
        const queueName = `bench-${run}-${mode}-${round}`;
        const queue = `queue/guest/${queueName}`;
        queues.push(queue);
        // Same declaration as the client makes for {queueName, queueType: 'classic'}.
        await channel.assertQueue(queue, { durable: true, exclusive: false, autoDelete: false, arguments: { 'x-queue-type': 'classic' } });
        await channel.bindQueue(queue, exchange, binding.routingKeyPattern);
        await fill(channel, queue, MESSAGES);
        // The fill's garbage must not be collected on the next contender's time.
        gc();
        const cpuBefore = process.cpuUsage();
        const rate = await drain(mode, queue, queueName, MESSAGES);
        const cpuUsed = process.cpuUsage(cpuBefore);
        rates[mode].push(rate);
        cpu[mode].push((cpuUsed.user + cpuUsed.system) / MESSAGES);
        await channel.deleteQueue(queue);
      }
      console.log(`round ${round}: ${MODES.map((mode) => `${mode} ${fmt(rates[mode].at(-1)!)}`).join('  ')} msg/s`);
    }
    const label = { raw: 'raw amqplib', 'raw-batched': 'raw, batched acks', listen: 'listen()', 'listen-validated': 'listen(validate)', consume: 'consume()' };
    const ratios = (values: Record<Mode, number>, invert: boolean) => (mode: Mode) =>
      (['raw', 'raw-batched'] as const)
        .map((base) => `${(invert ? values[base] / values[mode] : values[mode] / values[base]).toFixed(2)} of ${base}`)
        .join(', ');
    const rate = Object.fromEntries(MODES.map((m) => [m, median(rates[m])])) as Record<Mode, number>;
    console.log(`\nthroughput (median of ${ROUNDS}):`);
    for (const mode of MODES) console.log(`  ${label[mode].padEnd(18)} ${fmt(rate[mode]).padStart(7)} msg/s   ${mode.startsWith('raw') ? '' : ratios(rate, false)(mode)}`);
    // Client CPU per message is steadier than msg/s when other processes share the cores with the broker.
    const perMessage = Object.fromEntries(MODES.map((m) => [m, median(cpu[m])])) as Record<Mode, number>;
    console.log('client CPU per message (median; ratio = raw CPU / our CPU, as a throughput ratio):');
    for (const mode of MODES) console.log(`  ${label[mode].padEnd(18)} ${perMessage[mode].toFixed(1).padStart(7)} µs      ${mode.startsWith('raw') ? '' : ratios(perMessage, true)(mode)}`);

    const rawLatency = await latency('raw');
    const ourLatency = await latency('listen');
    console.log(`\npublish-to-handler latency, ${LATENCY_SAMPLES} sequential messages, separate connections, noDelay:`);
    console.log(`  raw amqplib  p50 ${rawLatency.p50.toFixed(2)} ms  p99 ${rawLatency.p99.toFixed(2)} ms`);
    console.log(`  listen()     p50 ${ourLatency.p50.toFixed(2)} ms  p99 ${ourLatency.p99.toFixed(2)} ms   (p50 ours/raw ${(ourLatency.p50 / rawLatency.p50).toFixed(2)}, lower is better)`);

    await memory();
  } finally {
    for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await admin.close();
  }
}

/** Publishes `count` messages (not persistent: the broker keeps them in memory) and waits until the queue holds them. */
async function fill(channel: amqplib.Channel, queue: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (!channel.publish(exchange, routingKey(i), body(i), { contentType: 'application/json', CC })) {
      await new Promise((resolve) => channel.once('drain', resolve));
    }
  }
  for (;;) {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Consumes `count` messages from a pre-filled queue; returns messages per second. */
async function drain(mode: Mode, queue: string, queueName: string, count: number): Promise<number> {
  let received = 0;
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  if (mode === 'raw' || mode === 'raw-batched') {
    const connection = await amqplib.connect(URL, { noDelay: true });
    const ch = await connection.createChannel();
    await ch.prefetch(PREFETCH);
    let last: amqplib.Message | undefined;
    const start = performance.now();
    await ch.consume(queue, (message) => {
      if (!message) return;
      JSON.parse(message.content.toString('utf8'));
      if (mode === 'raw') ch.ack(message);
      else if (!last) {
        setImmediate(() => {
          ch.ack(last!, true);
          last = undefined;
        });
      }
      if (mode === 'raw-batched') last = message;
      if (++received === count) finish();
    });
    await done;
    const elapsed = performance.now() - start;
    await new Promise((resolve) => setImmediate(resolve)); // let a pending batched ack go out
    await connection.close();
    return (count / elapsed) * 1000;
  }
  const client = new PulseClient({ url: URL, connectionName: `bench-listen-${mode}-${run}` });
  // A message the client rejects (say, one failing validation) is never counted: stop instead of waiting forever.
  client.on('error', fail);
  const start = performance.now();
  const subscription =
    mode === 'listen' || mode === 'listen-validated'
      ? client.listen(binding, { queueName, queueType: 'classic', prefetch: PREFETCH, validate: mode === 'listen-validated' }).subscribe(() => {
          if (++received === count) finish();
        })
      : client
          .consume(binding, () => undefined, { queueName, queueType: 'classic', prefetch: PREFETCH, concurrency: PREFETCH })
          .subscribe(() => {
            if (++received === count) finish();
          });
  await done;
  const elapsed = performance.now() - start;
  subscription.unsubscribe();
  await client.close();
  return (count / elapsed) * 1000;
}

/** Sequential publish → handler round trips; publisher and consumer on separate connections. */
async function latency(mode: 'raw' | 'listen'): Promise<{ p50: number; p99: number }> {
  const publisherConnection = await amqplib.connect(URL, { noDelay: true });
  const publisher = await publisherConnection.createChannel();
  const arrivals = new Subject<number>();
  let teardown: () => Promise<void>;
  if (mode === 'raw') {
    const connection = await amqplib.connect(URL, { noDelay: true });
    const ch = await connection.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, exchange, binding.routingKeyPattern);
    await ch.prefetch(PREFETCH);
    await ch.consume(queue, (message) => {
      if (!message) return;
      const { sentAt } = JSON.parse(message.content.toString('utf8')) as { sentAt: number };
      ch.ack(message);
      arrivals.next(performance.now() - sentAt);
    });
    teardown = () => connection.close();
  } else {
    const client = new PulseClient({ url: URL, connectionName: `bench-latency-${run}` });
    const ready = new Promise((resolve) => client.once('consuming', resolve));
    const subscription = client.listen(binding, { prefetch: PREFETCH }).subscribe((message) => arrivals.next(performance.now() - (message.payload as unknown as { sentAt: number }).sentAt));
    await ready;
    teardown = async () => {
      subscription.unsubscribe();
      await client.close();
    };
  }
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES + 100; i++) {
    const arrived = firstValueFrom(arrivals.pipe(take(1)));
    publisher.publish(exchange, routingKey(i), body(i, performance.now()), { contentType: 'application/json', CC });
    const ms = await arrived;
    if (i >= 100) samples.push(ms); // the first 100 warm up
  }
  await teardown();
  await publisherConnection.close();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
}

/** Streams MEMORY_MESSAGES through listen() while publishing; samples heap and RSS after GC along the way. */
async function memory(): Promise<void> {
  const publisherConnection = await amqplib.connect(URL, { noDelay: true });
  const publisher = await publisherConnection.createConfirmChannel();
  const client = new PulseClient({ url: URL, connectionName: `bench-memory-${run}` });
  let received = 0;
  const ready = new Promise((resolve) => client.once('consuming', resolve));
  const subscription = client.listen(binding, { prefetch: PREFETCH }).subscribe(() => received++);
  await ready;
  const checkpoints = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(MEMORY_MESSAGES * f));
  const samples: Array<{ at: number; heapMb: number; rssMb: number }> = [];
  const start = performance.now();
  let sent = 0;
  for (const checkpoint of checkpoints) {
    while (sent < checkpoint) {
      const batchEnd = Math.min(checkpoint, sent + 2_000);
      for (; sent < batchEnd; sent++) publisher.publish(exchange, routingKey(sent), body(sent), { contentType: 'application/json', CC });
      await publisher.waitForConfirms();
    }
    while (received < checkpoint) await new Promise((resolve) => setTimeout(resolve, 5));
    gc();
    const usage = process.memoryUsage();
    samples.push({ at: checkpoint, heapMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 });
  }
  const seconds = (performance.now() - start) / 1000;
  subscription.unsubscribe();
  await client.close();
  await publisherConnection.close();
  console.log(`\nmemory while ${fmt(MEMORY_MESSAGES)} messages stream through listen() (${fmt(MEMORY_MESSAGES / seconds)} msg/s incl. publishing), after GC:`);
  for (const s of samples) console.log(`  after ${String(fmt(s.at)).padStart(7)}: heap ${s.heapMb.toFixed(1)} MB, rss ${s.rssMb.toFixed(1)} MB`);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  console.log(`  growth from ${fmt(first.at)} to ${fmt(last.at)} messages: heap ${(last.heapMb - first.heapMb).toFixed(1)} MB, rss ${(last.rssMb - first.rssMb).toFixed(1)} MB`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

await main();
