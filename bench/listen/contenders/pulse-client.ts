import type { MeterProvider } from '@opentelemetry/api';
import type { PulseClient } from '../../../src/pulse/index.js';
import { loadPulse } from '../client-source.js';
import type { Contender, Stop } from '../contender.js';
import { instrumentedMeterProvider } from '../instrumentation.js';
import type { BenchQueue } from '../workload.js';
import { BENCH_URL, binding, RUN_ID } from '../workload.js';

type OnMessage = (payload: unknown) => void;

/** `client.listen()`: decodes (JSON, routing key, CC routes), acks automatically. */
const listenOn = (queue: BenchQueue, prefetch: number, onMessage: OnMessage) => (client: PulseClient) =>
  client.listen(binding, { queueName: queue.name, queueType: queue.type, prefetch }).subscribe((message) => onMessage(message.payload));

/**
 * `client.consume()` with a handler that does nothing: decodes, runs the
 * handler, acks once it has resolved; the message counts once its outcome is
 * out. Concurrency equals prefetch, as in the peers, which run every delivered
 * message's handler at once.
 */
const consumeOn = (queue: BenchQueue, prefetch: number, onMessage: OnMessage) => (client: PulseClient) =>
  client
    .consume(binding, () => undefined, { queueName: queue.name, queueType: queue.type, prefetch, concurrency: prefetch })
    .subscribe((outcome) => onMessage(outcome.message.payload));

/** A contender running our client with `subscribe`; `instrumented`: with the OpenTelemetry SDK and a Prometheus exporter recording. */
function ours(name: string, label: string, subscribe: typeof listenOn, instrumented: boolean): Contender {
  return {
    name,
    label,
    parses: true,
    start: (queue, prefetch, onMessage) => withClient(name, subscribe(queue, prefetch, onMessage), instrumented ? instrumentedMeterProvider() : undefined),
  };
}

export const pulseListen = ours('listen', 'listen()', listenOn, false);
export const pulseConsume = ours('consume', 'consume()', consumeOn, false);
export const pulseListenInstrumented = ours('listen-otel', 'listen() + OTel SDK', listenOn, true);
export const pulseConsumeInstrumented = ours('consume-otel', 'consume() + OTel SDK', consumeOn, true);

async function withClient(name: string, subscribe: (client: PulseClient) => { unsubscribe(): void }, meterProvider: MeterProvider | undefined): Promise<Stop> {
  const { PulseClient: Client } = await loadPulse();
  const client = new Client({ url: BENCH_URL, connectionName: `bench-${name}-${RUN_ID}`, ...(meterProvider ? { meterProvider } : {}) });
  const subscription = subscribe(client);
  return async () => {
    subscription.unsubscribe();
    await client.close();
  };
}
