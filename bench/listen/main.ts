/**
 * `npm run bench:listen`: messages per second through our `listen()` and
 * `consume()` against what a Node user would pick instead (Rascal,
 * amqp-connection-manager), plain amqplib, and the broker's ceiling (amqplib,
 * batched acks, no parsing); all with the same prefetch, queue type, ~1 KB
 * task-completed payloads with CC routes, and per-message work (JSON.parse and
 * ack), interleaved in rotating order over rounds. Each run drains a queue
 * pre-filled with BENCH_MESSAGES, timed from its first message to its last.
 * Then publish-to-handler latency (raw amqplib vs listen()), then heap and RSS
 * while messages stream through listen(). Prints medians, spreads, ratios and
 * whether the targets are met. Knobs: see ./knobs.ts. Uses only the broker at
 * BENCH_RABBIT_URL (127.0.0.1:5672), and deletes what it declares. Our client
 * is the build in dist/ by default, as the peers are the JavaScript they ship.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import amqplib from 'amqplib';
import { clientSourceOf, type ClientSource } from './client-source.js';
import { drain, type Contender, type DrainResult } from './contender.js';
import { CONTENDERS, PEERS } from './contenders/index.js';
import { readKnobs, type Knobs } from './knobs.js';
import { measureLatency } from './latency.js';
import { measureMemory } from './memory.js';
import { fmt, summarize, targetLines, targets, throughputLines, type Summary } from './report.js';
import { BENCH_URL, body, CC, declareExchange, declareQueue, exchange, fill, RUN_ID } from './workload.js';

const WARM_UP_MESSAGES = 3_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function main(knobs: Knobs, clientSource: ClientSource): Promise<void> {
  const contenders = CONTENDERS.filter((contender) => knobs.contenders.includes(contender.name));
  const admin = await amqplib.connect(BENCH_URL, { noDelay: true, clientProperties: { connection_name: `bench-listen-admin-${RUN_ID}` } });
  const channel = await admin.createChannel();
  await declareExchange(channel);
  const queues: string[] = [];
  // One contender's run on a fresh queue holding `count` messages.
  const runOnce = async (contender: Contender, tag: string, count: number): Promise<DrainResult> => {
    const queue = await declareQueue(channel, `bench-${RUN_ID}-${contender.name}-${tag}`, knobs.queueType);
    queues.push(queue.fullName);
    await fill(channel, queue, count);
    gc(); // the fill's garbage must not be collected on the contender's time
    const result = await drain(contender, queue, { count, prefetch: knobs.prefetch, timeoutMs: 30_000 + count * 2 });
    await channel.deleteQueue(queue.fullName);
    return result;
  };
  try {
    console.log(
      `bench:listen — ${fmt(knobs.messages)} messages per run, ${knobs.rounds} rounds, prefetch ${knobs.prefetch}, ${knobs.queueType} queues, ` +
        `${body(0).length}-byte payloads + ${CC.length} CC routes; our client from ${clientSource}/\n`,
    );
    for (const contender of contenders) await runOnce(contender, 'warm-up', Math.min(WARM_UP_MESSAGES, knobs.messages));
    const runs = new Map<string, DrainResult[]>(contenders.map((contender) => [contender.name, []]));
    for (let round = 1; round <= knobs.rounds; round++) {
      // Rotate the order each round, so that drift and warm-up hit each contender alike.
      const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]!);
      for (const contender of order) runs.get(contender.name)!.push(await runOnce(contender, `r${round}`, knobs.messages));
      console.log(`round ${round}: ${contenders.map((c) => `${c.name} ${fmt(runs.get(c.name)!.at(-1)!.messagesPerSecond)}`).join('  ')} msg/s`);
    }
    const summaries: Record<string, Summary> = Object.fromEntries([...runs].map(([name, results]) => [name, summarize(results)]));
    const labels = Object.fromEntries(contenders.map((contender) => [contender.name, contender.label]));
    console.log(`\nthroughput, median of ${knobs.rounds} rounds (min–max), client CPU per message (median):`);
    for (const line of throughputLines(summaries, labels)) console.log(line);

    let latency;
    if (knobs.latencySamples > 0) {
      latency = await measureLatency(knobs.latencySamples, knobs.prefetch);
      console.log(`\npublish-to-handler latency, ${fmt(knobs.latencySamples)} sequential messages per side, the sides interleaved, separate connections, noDelay:`);
      console.log(`  raw amqplib  p50 ${latency.amqplib.p50.toFixed(2)} ms  p99 ${latency.amqplib.p99.toFixed(2)} ms`);
      console.log(`  listen()     p50 ${latency.listen.p50.toFixed(2)} ms  p99 ${latency.listen.p99.toFixed(2)} ms`);
    }

    const rows = targets(summaries, PEERS, latency);
    if (rows.length > 0) {
      console.log('\ntargets (throughput: median of per-round ratios; CPU: the same from client CPU per message; latency: p99 over p99, sides interleaved):');
      for (const line of targetLines(rows)) console.log(line);
    }

    if (knobs.memoryMessages > 0) {
      const { samples, messagesPerSecond } = await measureMemory(knobs.memoryMessages, knobs.prefetch, gc);
      console.log(`\nmemory while ${fmt(knobs.memoryMessages)} messages stream through listen() (${fmt(messagesPerSecond)} msg/s incl. publishing), after GC:`);
      for (const s of samples) console.log(`  after ${fmt(s.at).padStart(7)}: heap ${s.heapMb.toFixed(1)} MB, rss ${s.rssMb.toFixed(1)} MB`);
      const first = samples[0]!;
      const last = samples.at(-1)!;
      console.log(`  growth from ${fmt(first.at)} to ${fmt(last.at)} messages: heap ${(last.heapMb - first.heapMb).toFixed(1)} MB, rss ${(last.rssMb - first.rssMb).toFixed(1)} MB`);
    }
  } finally {
    for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await admin.close();
  }
}

await main(readKnobs(process.env, CONTENDERS.map((contender) => contender.name)), clientSourceOf(process.env));
