import { createHash } from 'node:crypto';
import type { ReceivedMessage } from './pulse-message.js';

/**
 * Which delivery of a message this is, as far as the broker vouches for it.
 *
 * `redelivered: false` is the first delivery, whatever the headers say: a
 * publisher may set any `x-delivery-count`, and a quorum queue leaves it there
 * until it redelivers. On a redelivery only a quorum queue's header counts
 * (the broker sets it there), and only a sane non-negative integer; anything
 * else is unknown (undefined), for {@link DeliveryCounter} to fill in.
 */
export function brokerDeliveryCount(redelivered: boolean, header: unknown, brokerCountsDeliveries: boolean): number | undefined {
  if (!redelivered) return 1;
  if (!brokerCountsDeliveries) return undefined;
  // The header counts earlier deliveries; this one is the next.
  return typeof header === 'number' && Number.isSafeInteger(header) && header >= 0 ? header + 1 : undefined;
}

/**
 * Delivery counts where the broker gives none (classic queues only say
 * `redelivered`). Requeues this process made are remembered by message
 * content (bounded, oldest forgotten first); a redelivered message it has no
 * record of counts as the second delivery. Counts are therefore never too
 * high: a message is never given up early, though with several processes (or
 * after a restart) it may get more attempts than the limit. Never from a
 * header, which any publisher can set.
 */
export class DeliveryCounter {
  readonly #requeues = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Which delivery of the message this is, counting from 1. */
  count(message: ReceivedMessage): number {
    if (message.deliveryCount !== undefined) return message.deliveryCount;
    return Math.max(2, (this.#requeues.get(keyOf(message)) ?? 0) + 1);
  }

  /** Delivery `count` of the message went back to the queue (a failed handler, or the handler's own nack). */
  requeued(message: ReceivedMessage, count: number): void {
    // A known count (a first delivery, or a quorum queue's) needs no record: unknown counts start at 2 anyway.
    if (message.deliveryCount !== undefined) return;
    const key = keyOf(message);
    this.#requeues.delete(key);
    this.#requeues.set(key, count);
    if (this.#requeues.size > this.capacity) this.#requeues.delete(this.#requeues.keys().next().value!);
  }

  /** The message is done with (handled, dead-lettered or dropped). */
  settled(message: ReceivedMessage): void {
    if (message.deliveryCount === undefined) this.#requeues.delete(keyOf(message));
  }
}

function keyOf(message: ReceivedMessage): string {
  return createHash('sha1').update(message.exchange).update('\0').update(message.raw.content).update('\0').update(message.routingKey).digest('base64');
}
