/**
 * Publish-to-handler latency: one message at a time, publisher and consumer
 * on separate connections with noDelay; the time is taken when the handler
 * sees the message, from `sentAt` in its payload.
 */
import { performance } from 'node:perf_hooks';
import amqplib from 'amqplib';
import { loadPulse } from './client-source.js';
import { withDeadline } from './deadline.js';
import { BENCH_URL, binding, body, exchange, PUBLISH_OPTIONS, routingKey, RUN_ID } from './workload.js';

export type LatencySide = 'amqplib' | 'listen';

export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

const WARM_UP = 100;
const SAMPLE_TIMEOUT_MS = 5_000;

type Arrival = (sentAt: number) => void;

export async function measureLatency(side: LatencySide, samples: number, prefetch: number): Promise<Latency> {
  let arrived: Arrival = () => undefined;
  const consumer = await (side === 'amqplib' ? rawConsumer : listenConsumer)(prefetch, (sentAt) => arrived(sentAt));
  const publisherConnection = await amqplib.connect(BENCH_URL, { noDelay: true, clientProperties: { connection_name: `bench-latency-publisher-${RUN_ID}` } });
  try {
    const publisher = await publisherConnection.createChannel();
    const times: number[] = [];
    for (let i = 0; i < samples + WARM_UP; i++) {
      const ms = await withDeadline(`${side} latency sample ${i}`, SAMPLE_TIMEOUT_MS, () => {
        const arrival = new Promise<number>((resolve) => {
          arrived = (sentAt) => resolve(performance.now() - sentAt);
        });
        publisher.publish(exchange, routingKey(i), body(i, performance.now()), PUBLISH_OPTIONS);
        return arrival;
      });
      if (i >= WARM_UP) times.push(ms);
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
  } finally {
    await publisherConnection.close();
    await consumer();
  }
}

/** amqplib on an exclusive server-named queue: parse, ack, hand over. Resolves with its close. */
async function rawConsumer(prefetch: number, onArrival: Arrival): Promise<() => Promise<void>> {
  const connection = await amqplib.connect(BENCH_URL, { noDelay: true, clientProperties: { connection_name: `bench-latency-amqplib-${RUN_ID}` } });
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, binding.routingKeyPattern);
  await channel.prefetch(prefetch);
  await channel.consume(queue, (message) => {
    if (!message) return;
    const { sentAt } = JSON.parse(message.content.toString('utf8')) as { sentAt: number };
    channel.ack(message);
    onArrival(sentAt);
  });
  return () => connection.close();
}

/** listen() on its default exclusive queue; resolves once consuming. */
async function listenConsumer(prefetch: number, onArrival: Arrival): Promise<() => Promise<void>> {
  const { PulseClient } = await loadPulse();
  const client = new PulseClient({ url: BENCH_URL, connectionName: `bench-latency-listen-${RUN_ID}` });
  const consuming = new Promise((resolve) => client.once('consuming', resolve));
  const subscription = client.listen(binding, { prefetch }).subscribe((message) => onArrival((message.payload as unknown as { sentAt: number }).sentAt));
  await withDeadline('listen() latency consumer starting', SAMPLE_TIMEOUT_MS, () => consuming);
  return async () => {
    subscription.unsubscribe();
    await client.close();
  };
}
