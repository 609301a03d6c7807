/**
 * What every contender consumes: task-completed messages of realistic size
 * (about 1 KB) with two CC routes, on a topic exchange of this run's own, from
 * a queue declared exactly as `PulseClient` declares `{queueName, queueType}`.
 */
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';
import { buildRoutingKey } from '../../src/bindings/routing-key.js';
import { QueueEvents } from '../../src/generated/exchanges/queue.js';
import { withDeadline } from './deadline.js';

export const BENCH_URL = process.env.BENCH_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export type QueueType = 'classic' | 'quorum';

/** Unique per run, so concurrent runs (and tests) never share exchanges or queues; BENCH_RUN_ID joins a run's child processes to it. */
export const RUN_ID = process.env.BENCH_RUN_ID ?? randomBytes(3).toString('hex');

const events = new QueueEvents({ exchangePrefix: `exchange/bench-${RUN_ID}/` });
export const binding = events.taskCompleted();
export const exchange = binding.exchange;

export const CC = ['route.index.project.bench.latest', 'route.checks'];

/** The binding of the messages one side of a latency run receives: theirs by worker type. */
export function bindingForWorkerType(workerType: string): ReturnType<QueueEvents['taskCompleted']> {
  return events.taskCompleted({ workerType });
}

export function routingKey(i: number, workerType = 'linux'): string {
  return buildRoutingKey(exchange, binding.routingKeyReference, {
    taskId: `task${i}-aBcDeFgHiJkLmNoPq`,
    runId: 0,
    workerGroup: 'us-east-1',
    workerId: 'i-0123456789abcdef0',
    provisionerId: 'proj-bench',
    workerType,
    schedulerId: 'taskcluster-github',
    taskGroupId: 'fN1SbArXTPSVFNUvaOlinQ',
  });
}

/** A task-completed message of realistic size (about 1 KB); `sentAt` is for latency runs. */
export function body(i: number, sentAt = 0): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: 1,
      status: {
        taskId: `task${i}-aBcDeFgHiJkLmNoPq`,
        provisionerId: 'proj-bench',
        workerType: 'linux',
        taskQueueId: 'proj-bench/linux',
        schedulerId: 'taskcluster-github',
        projectId: 'bench',
        taskGroupId: 'fN1SbArXTPSVFNUvaOlinQ',
        deadline: '2026-01-02T00:00:00.000Z',
        expires: '2027-01-01T00:00:00.000Z',
        retriesLeft: 5,
        state: 'completed',
        runs: [
          {
            runId: 0,
            state: 'completed',
            reasonCreated: 'scheduled',
            reasonResolved: 'completed',
            workerGroup: 'us-east-1',
            workerId: 'i-0123456789abcdef0',
            takenUntil: '2026-01-01T00:20:00.000Z',
            scheduled: '2026-01-01T00:00:00.000Z',
            started: '2026-01-01T00:00:05.000Z',
            resolved: '2026-01-01T00:10:00.000Z',
          },
        ],
      },
      runId: 0,
      workerGroup: 'us-east-1',
      workerId: 'i-0123456789abcdef0',
      sentAt,
    }),
  );
}

export const PUBLISH_OPTIONS = { contentType: 'application/json', CC } as const;

/** A queue for one contender's run: its short name (as `queueName`) and the full one on the broker. */
export interface BenchQueue {
  readonly name: string;
  readonly fullName: string;
  readonly type: QueueType;
}

export async function declareExchange(channel: amqplib.Channel): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
}

/** Declares and binds a queue the way the client does for `{queueName, queueType}`. */
export async function declareQueue(channel: amqplib.Channel, name: string, type: QueueType): Promise<BenchQueue> {
  const fullName = `queue/guest/${name}`;
  await channel.assertQueue(fullName, { durable: true, exclusive: false, autoDelete: false, arguments: { 'x-queue-type': type } });
  await channel.bindQueue(fullName, exchange, binding.routingKeyPattern);
  return { name, fullName, type };
}

/**
 * Publishes `count` messages (not persistent: a classic queue keeps them in
 * memory) and waits until the queue holds them, so the publisher is not part
 * of what is measured.
 */
export async function fill(channel: amqplib.Channel, queue: BenchQueue, count: number, timeoutMs = 60_000): Promise<void> {
  await withDeadline(`filling ${queue.fullName} with ${count} messages`, timeoutMs, async (expired) => {
    for (let i = 0; i < count; i++) {
      if (!channel.publish(exchange, routingKey(i), body(i), PUBLISH_OPTIONS)) await new Promise((resolve) => channel.once('drain', resolve));
    }
    while (!expired()) {
      const { messageCount } = await channel.checkQueue(queue.fullName);
      if (messageCount >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
}
