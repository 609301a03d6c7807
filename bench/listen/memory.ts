/** Heap and RSS after GC while many messages stream through listen(): they must stay flat. */
import { performance } from 'node:perf_hooks';
import amqplib from 'amqplib';
import { loadPulse } from './client-source.js';
import { withDeadline } from './deadline.js';
import { BENCH_URL, binding, body, exchange, PUBLISH_OPTIONS, routingKey, RUN_ID } from './workload.js';

export interface MemorySample {
  readonly at: number;
  readonly heapMb: number;
  readonly rssMb: number;
}

export async function measureMemory(messages: number, prefetch: number, gc: () => void): Promise<{ samples: MemorySample[]; messagesPerSecond: number }> {
  const { PulseClient } = await loadPulse();
  const publisherConnection = await amqplib.connect(BENCH_URL, { noDelay: true, clientProperties: { connection_name: `bench-memory-publisher-${RUN_ID}` } });
  const client = new PulseClient({ url: BENCH_URL, connectionName: `bench-memory-${RUN_ID}` });
  try {
    const publisher = await publisherConnection.createConfirmChannel();
    let received = 0;
    const consuming = new Promise((resolve) => client.once('consuming', resolve));
    const subscription = client.listen(binding, { prefetch }).subscribe(() => received++);
    await withDeadline('listen() starting', 10_000, () => consuming);
    const checkpoints = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(messages * f));
    const samples: MemorySample[] = [];
    const start = performance.now();
    let sent = 0;
    for (const checkpoint of checkpoints) {
      await withDeadline(`streaming to ${checkpoint} messages`, 30_000 + (checkpoint - sent) * 2, async (expired) => {
        while (sent < checkpoint) {
          const batchEnd = Math.min(checkpoint, sent + 2_000);
          for (; sent < batchEnd; sent++) publisher.publish(exchange, routingKey(sent), body(sent), PUBLISH_OPTIONS);
          await publisher.waitForConfirms();
        }
        while (received < checkpoint && !expired()) await new Promise((resolve) => setTimeout(resolve, 5));
      });
      gc();
      const usage = process.memoryUsage();
      samples.push({ at: checkpoint, heapMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 });
    }
    const seconds = (performance.now() - start) / 1000;
    subscription.unsubscribe();
    return { samples, messagesPerSecond: messages / seconds };
  } finally {
    await client.close();
    await publisherConnection.close();
  }
}
