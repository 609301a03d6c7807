import { connect } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { Contender } from '../contender.js';
import { BENCH_URL, RUN_ID } from '../workload.js';

/**
 * amqp-connection-manager as its README has it: a ChannelWrapper whose setup
 * sets the prefetch and consumes (run again after each reconnection), the
 * handler `JSON.parse`s and acks through the wrapper.
 */
export const amqpConnectionManager: Contender = {
  name: 'acm',
  label: 'amqp-connection-manager',
  parses: true,
  async start(queue, prefetch, onMessage) {
    const manager = connect([BENCH_URL], { connectionOptions: { noDelay: true, clientProperties: { connection_name: `bench-acm-${RUN_ID}` } } });
    const wrapper = manager.createChannel({
      setup: async (channel: ConfirmChannel) => {
        await channel.prefetch(prefetch);
        await channel.consume(queue.fullName, (message) => {
          if (!message) return;
          const payload: unknown = JSON.parse(message.content.toString('utf8'));
          wrapper.ack(message);
          onMessage(payload);
        });
      },
    });
    await wrapper.waitForConnect();
    return async () => {
      await wrapper.close();
      await manager.close();
    };
  },
};
