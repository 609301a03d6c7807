import type { ConnectionManager } from './connection-manager.js';
import { resolveConsumeSettings, type ConsumeOptions } from './consume-options.js';
import { retryRouteFor } from './retry-delay.js';

/** Queue depth as the broker reports it. */
export interface QueueStatus {
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
}

/** The options a queue's retry queues are named after (see `retryQueues`). */
export type RetryQueueNaming = Pick<ConsumeOptions, 'retryQueues' | 'retryDelayMs' | 'maxDeliveries'>;

export async function queueStatus(connections: ConnectionManager, queue: string): Promise<QueueStatus> {
  return connections.withChannel(async (channel) => {
    const reply = await channel.checkQueue(queue);
    return { queue: reply.queue, messageCount: reply.messageCount, consumerCount: reply.consumerCount };
  });
}

/** Deletes `queue`, and its retry queues and exchange when `retry` says it had them (AMQP cannot list them). */
export async function deleteQueue(connections: ConnectionManager, queue: string, queueName: string, retry: RetryQueueNaming): Promise<{ readonly messageCount: number }> {
  const route = retry.retryQueues ? retryRouteFor(queue, resolveConsumeSettings({ ...retry, queueName }), () => undefined) : undefined;
  const deleted = await connections.withChannel((channel) => channel.deleteQueue(queue));
  if (route) {
    for (const delay of route.levels) await connections.withChannel((channel) => channel.deleteQueue(route.queueFor(delay)));
    await connections.withChannel((channel) => channel.deleteExchange(route.exchange));
  }
  return deleted;
}
