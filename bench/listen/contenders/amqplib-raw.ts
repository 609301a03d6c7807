import type { Contender } from '../contender.js';
import { openConsumerChannel } from './amqplib-channel.js';

/** What a plain amqplib user writes: `consume`, `JSON.parse`, `ack` each message. */
export const amqplibRaw: Contender = {
  name: 'amqplib',
  label: 'raw amqplib, ack each',
  parses: true,
  async start(queue, prefetch, onMessage) {
    const { channel, close } = await openConsumerChannel('amqplib', prefetch);
    await channel.consume(queue.fullName, (message) => {
      if (!message) return;
      const payload: unknown = JSON.parse(message.content.toString('utf8'));
      channel.ack(message);
      onMessage(payload);
    });
    return close;
  },
};
