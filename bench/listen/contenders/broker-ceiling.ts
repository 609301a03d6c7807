import type amqplib from 'amqplib';
import type { Contender } from '../contender.js';
import { openConsumerChannel } from './amqplib-channel.js';

/**
 * The most this machine's broker delivers to one Node consumer: raw amqplib,
 * no parsing, and one `multiple` ack per event-loop turn for everything
 * received in it (amqplib writes each ack to the socket on its own).
 */
export const brokerCeiling: Contender = {
  name: 'ceiling',
  label: 'ceiling: amqplib, batched acks, no parsing',
  parses: false,
  async start(queue, prefetch, onMessage) {
    const { channel, close } = await openConsumerChannel('ceiling', prefetch);
    let newest: amqplib.Message | undefined;
    const flush = () => {
      if (newest) channel.ack(newest, true);
      newest = undefined;
    };
    await channel.consume(queue.fullName, (message) => {
      if (!message) return;
      if (!newest) setImmediate(flush);
      newest = message;
      onMessage(message.content);
    });
    return async () => {
      flush();
      await close();
    };
  },
};
