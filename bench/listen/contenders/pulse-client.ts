import type { PulseClient } from '../../../src/pulse/index.js';
import { loadPulse } from '../client-source.js';
import type { Contender, Stop } from '../contender.js';
import { BENCH_URL, binding, RUN_ID } from '../workload.js';

/** `client.listen()`: decodes (JSON, routing key, CC routes), acks automatically. */
export const pulseListen: Contender = {
  name: 'listen',
  label: 'listen()',
  parses: true,
  start: (queue, prefetch, onMessage) =>
    withClient('listen', (client) =>
      client.listen(binding, { queueName: queue.name, queueType: queue.type, prefetch }).subscribe((message) => onMessage(message.payload)),
    ),
};

/**
 * `client.consume()` with a handler that does nothing: decodes, runs the
 * handler, acks once it has resolved; the message counts once its outcome is
 * out. Concurrency equals prefetch, as in the peers, which run every delivered
 * message's handler at once.
 */
export const pulseConsume: Contender = {
  name: 'consume',
  label: 'consume()',
  parses: true,
  start: (queue, prefetch, onMessage) =>
    withClient('consume', (client) =>
      client
        .consume(binding, () => undefined, { queueName: queue.name, queueType: queue.type, prefetch, concurrency: prefetch })
        .subscribe((outcome) => onMessage(outcome.message.payload)),
    ),
};

async function withClient(name: string, subscribe: (client: PulseClient) => { unsubscribe(): void }): Promise<Stop> {
  const { PulseClient: Client } = await loadPulse();
  const client = new Client({ url: BENCH_URL, connectionName: `bench-${name}-${RUN_ID}` });
  const subscription = subscribe(client);
  return async () => {
    subscription.unsubscribe();
    await client.close();
  };
}
