/**
 * Publish-to-handler latency, raw amqplib against listen(), measured in pairs:
 * both consumers run at once (each on its own queue, bound by worker type) and
 * the publisher alternates between them, one message in flight at a time, so
 * that whatever the machine is doing lands on both sides alike. Publisher and
 * consumers use separate connections with noDelay; the time is taken when the
 * handler sees the message, from `sentAt` in its payload.
 */
import { performance } from 'node:perf_hooks';
import amqplib from 'amqplib';
import { loadPulse } from './client-source.js';
import { withDeadline } from './deadline.js';
import { BENCH_URL, bindingForWorkerType, body, exchange, PUBLISH_OPTIONS, routingKey, RUN_ID } from './workload.js';

export const LATENCY_SIDES = ['amqplib', 'listen'] as const;
export type LatencySide = (typeof LATENCY_SIDES)[number];

export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

const WARM_UP = 100;
const SAMPLE_TIMEOUT_MS = 5_000;

type Arrival = (side: LatencySide, sentAt: number) => void;

/** `samples` round trips per side, interleaved; resolves with each side's percentiles. */
export async function measureLatency(samples: number, prefetch: number): Promise<Record<LatencySide, Latency>> {
  let arrived: Arrival = () => undefined;
  const onArrival: Arrival = (side, sentAt) => arrived(side, sentAt);
  const closers: (() => Promise<void>)[] = [];
  try {
    closers.push(await rawConsumer(prefetch, onArrival));
    closers.push(await listenConsumer(prefetch, onArrival));
    const publisherConnection = await amqplib.connect(BENCH_URL, { noDelay: true, clientProperties: { connection_name: `bench-latency-publisher-${RUN_ID}` } });
    closers.push(() => publisherConnection.close());
    const publisher = await publisherConnection.createChannel();
    const times: Record<LatencySide, number[]> = { amqplib: [], listen: [] };
    for (let i = 0; i < 2 * (samples + WARM_UP); i++) {
      // ABBA order, so neither side always follows the other.
      const side = LATENCY_SIDES[(i + (i >> 1)) % 2]!;
      const ms = await withDeadline(`${side} latency sample ${i}`, SAMPLE_TIMEOUT_MS, () => {
        const arrival = new Promise<number>((resolve, reject) => {
          arrived = (from, sentAt) => (from === side ? resolve(performance.now() - sentAt) : reject(new Error(`latency sample ${i} for ${side} arrived at ${from}`)));
        });
        publisher.publish(exchange, routingKey(i, workerTypeOf(side)), body(i, performance.now()), PUBLISH_OPTIONS);
        return arrival;
      });
      if (i >= 2 * WARM_UP) times[side].push(ms);
    }
    return { amqplib: percentiles(times.amqplib), listen: percentiles(times.listen) };
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

function percentiles(times: number[]): Latency {
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

function workerTypeOf(side: LatencySide): string {
  return `latency-${side}`;
}

/** amqplib on an exclusive server-named queue: parse, ack, hand over. Resolves with its close. */
async function rawConsumer(prefetch: number, onArrival: Arrival): Promise<() => Promise<void>> {
  const connection = await amqplib.connect(BENCH_URL, { noDelay: true, clientProperties: { connection_name: `bench-latency-amqplib-${RUN_ID}` } });
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, bindingForWorkerType(workerTypeOf('amqplib')).routingKeyPattern);
  await channel.prefetch(prefetch);
  await channel.consume(queue, (message) => {
    if (!message) return;
    const { sentAt } = JSON.parse(message.content.toString('utf8')) as { sentAt: number };
    channel.ack(message);
    onArrival('amqplib', sentAt);
  });
  return () => connection.close();
}

/** listen() on its default exclusive queue; resolves once consuming. */
async function listenConsumer(prefetch: number, onArrival: Arrival): Promise<() => Promise<void>> {
  const { PulseClient } = await loadPulse();
  const client = new PulseClient({ url: BENCH_URL, connectionName: `bench-latency-listen-${RUN_ID}` });
  const consuming = new Promise((resolve) => client.once('consuming', resolve));
  const subscription = client
    .listen(bindingForWorkerType(workerTypeOf('listen')), { prefetch })
    .subscribe((message) => onArrival('listen', (message.payload as unknown as { sentAt: number }).sentAt));
  await withDeadline('listen() latency consumer starting', SAMPLE_TIMEOUT_MS, () => consuming);
  return async () => {
    subscription.unsubscribe();
    await client.close();
  };
}
