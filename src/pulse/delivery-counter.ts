import { createHash } from 'node:crypto';
import type { ReceivedMessage } from './pulse-message.js';

/**
 * Delivery counts for classic queues, which only say `redelivered`. Failures
 * this process saw are remembered by message content (bounded, oldest
 * forgotten first); a redelivered message it has no record of counts as the
 * second delivery. Counts are therefore never too high: a message is never
 * given up early, though with several processes (or after a restart) it may
 * get more attempts than the limit. Quorum queues report exact counts and
 * need none of this.
 */
export class DeliveryCounter {
  readonly #failures = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Which delivery of the message this is, counting from 1. */
  count(message: ReceivedMessage): number {
    if (message.deliveryCount !== undefined) return message.deliveryCount;
    if (!message.redelivered) return 1;
    return Math.max(2, (this.#failures.get(keyOf(message)) ?? 0) + 1);
  }

  /** The handler failed on delivery `count`; the message goes back to the queue. */
  failed(message: ReceivedMessage, count: number): void {
    if (message.deliveryCount !== undefined) return;
    const key = keyOf(message);
    this.#failures.delete(key);
    this.#failures.set(key, count);
    if (this.#failures.size > this.capacity) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /** The message is done with (handled, dead-lettered or dropped). */
  settled(message: ReceivedMessage): void {
    if (message.deliveryCount === undefined && message.redelivered) this.#failures.delete(keyOf(message));
  }
}

function keyOf(message: ReceivedMessage): string {
  return createHash('sha1').update(message.exchange).update('\0').update(message.routingKey).update('\0').update(message.raw.content).digest('base64');
}
