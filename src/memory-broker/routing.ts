/** Where a published message goes: through exchanges, and exchanges bound to exchanges, to queues. */
import { deathQueues } from './dead-letter.js';
import type { MemoryExchange } from './exchange.js';
import type { PublishedMessage } from './message.js';
import type { MemoryQueue } from './queue.js';

/**
 * The queues a message published to `exchangeName` reaches, each once, by any
 * of its routing keys (CC and BCC included). The default exchange (`''`)
 * routes to the queue a key names.
 */
export function routeMessage(
  exchanges: ReadonlyMap<string, MemoryExchange>,
  queues: ReadonlyMap<string, MemoryQueue>,
  exchangeName: string,
  message: PublishedMessage,
): MemoryQueue[] {
  const targets = new Set<MemoryQueue>();
  const collect = (name: string, routingKey: string, visited: Set<string>): void => {
    const exchange = exchanges.get(name);
    if (!exchange || visited.has(name)) return;
    visited.add(name);
    for (const destination of exchange.route(routingKey)) {
      if (destination.kind === 'exchange') {
        collect(destination.name, routingKey, visited);
      } else {
        const queue = queues.get(destination.name);
        if (queue) targets.add(queue);
      }
    }
  };
  for (const key of message.routingKeys) {
    if (exchangeName === '') {
      const queue = queues.get(key);
      if (queue) targets.add(queue);
    } else {
      collect(exchangeName, key, new Set());
    }
  }
  // RabbitMQ drops a message that would die in a cycle without any consumer rejecting it.
  const deaths = deathQueues(message);
  return [...targets].filter((queue) => !deaths.queues.has(queue.name) || deaths.rejected);
}
