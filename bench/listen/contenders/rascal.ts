import rascal from 'rascal';
import type { Contender } from '../contender.js';
import { BENCH_URL, RUN_ID } from '../workload.js';

/**
 * Rascal as its README has it: the queue checked (the bench declared it), a
 * subscription with the same prefetch and JSON content, `ackOrNack()` per
 * message. Its defaults otherwise (redelivery counter: stub).
 */
export const rascalContender: Contender = {
  name: 'rascal',
  label: 'Rascal subscription',
  parses: true,
  async start(queue, prefetch, onMessage) {
    // Not a literal: Rascal passes these to amqplib.connect, but its types only list some of them.
    const socketOptions = { noDelay: true, clientProperties: { connection_name: `bench-rascal-${RUN_ID}` } };
    const config = rascal.withDefaultConfig({
      vhosts: { '/': { connection: { url: BENCH_URL, socketOptions }, queues: { [queue.fullName]: { assert: false, check: true } } } },
      subscriptions: { bench: { queue: queue.fullName, prefetch, contentType: 'application/json' } },
    });
    const broker = await rascal.BrokerAsPromised.create(config);
    broker.on('error', (error: unknown) => console.error('rascal:', error));
    const subscription = await broker.subscribe('bench');
    subscription.on('error', (error: unknown) => console.error('rascal subscription:', error));
    subscription.on('message', (_message, content: unknown, ackOrNack) => {
      ackOrNack();
      onMessage(content);
    });
    return async () => {
      await subscription.cancel();
      await broker.shutdown();
    };
  },
};
