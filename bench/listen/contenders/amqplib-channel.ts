import amqplib from 'amqplib';
import { BENCH_URL, RUN_ID } from '../workload.js';

export interface ConsumerChannel {
  readonly channel: amqplib.Channel;
  /**
   * Closes the channel, then the connection: amqplib may write a connection's
   * close before acks still queued on a channel, and the broker would then
   * requeue those messages.
   */
  close(): Promise<void>;
}

/** A connection of its own (noDelay, as the client's) with one channel at `prefetch`. */
export async function openConsumerChannel(name: string, prefetch: number): Promise<ConsumerChannel> {
  const connection = await amqplib.connect(BENCH_URL, { noDelay: true, clientProperties: { connection_name: `bench-${name}-${RUN_ID}` } });
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  return {
    channel,
    async close() {
      await channel.close();
      await connection.close();
    },
  };
}
