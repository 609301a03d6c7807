/**
 * A bot process for the scale-out tests: consumes task-completed messages
 * from a named queue and reports, one JSON line each on stdout, when it is
 * ready and when it starts and finishes a message.
 *
 * Env: QUEUE_NAME, EXCHANGE_PREFIX, CONNECTION_NAME, HANDLER_DELAY_MS, PREFETCH.
 */
import { QueueEvents } from '../../src/generated/exchanges/queue.js';
import { PulseClient } from '../../src/pulse/index.js';
import { RABBIT_URL } from './rabbit.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...line })}\n`);
const delayMs = Number(env('HANDLER_DELAY_MS', '0'));
const client = new PulseClient({ url: RABBIT_URL, connectionName: env('CONNECTION_NAME'), closeTimeoutMs: 2_000 });
const binding = new QueueEvents({ exchangePrefix: env('EXCHANGE_PREFIX') }).taskCompleted();

client.on('consuming', () => say({ event: 'ready' }));
client.on('error', (error) => say({ event: 'error', message: error.message }));
client
  .consume(
    binding,
    async (message) => {
      say({ event: 'started', taskId: message.fields.taskId, redelivered: message.redelivered });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      say({ event: 'handled', taskId: message.fields.taskId });
    },
    { queueName: env('QUEUE_NAME'), prefetch: Number(env('PREFETCH', '10')), concurrency: Number(env('PREFETCH', '10')) },
  )
  .subscribe();

process.on('SIGTERM', () => {
  void client.close().then(() => process.exit(0));
});
