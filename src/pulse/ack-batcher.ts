import type { AmqpChannel, AmqpMessage } from './amqp-api.js';

interface Delivery<T> {
  readonly raw: AmqpMessage;
  readonly subject: T;
  acked: boolean;
}

/**
 * Coalesces the acks of one channel. amqplib writes every ack to the socket
 * on its own, which costs more than the rest of receiving a message; acks
 * requested in the same turn of the event loop are sent together instead:
 * one `multiple` ack up to the highest tag below which every delivery is
 * settled, single acks for the rest. Nacks go at once. Delivery tags count up
 * in delivery order on a channel, which is what makes `multiple` safe.
 * Deliveries that never reach the batcher (malformed, unbound) are settled
 * at once, so a `multiple` ack never covers one that is still open.
 */
export class AckBatcher<T> {
  /** Deliveries handed out and not yet sent, in delivery (= tag) order; at most about `prefetch` of them. */
  readonly #pending = new Map<number, Delivery<T>>();
  #scheduled = false;

  constructor(
    private readonly channel: AmqpChannel,
    /** Acks that could not be sent (the channel closed first). */
    private readonly lost: (subjects: T[]) => void,
  ) {}

  delivered(raw: AmqpMessage, subject: T): void {
    this.#pending.set(raw.fields.deliveryTag, { raw, subject, acked: false });
  }

  ack(raw: AmqpMessage): void {
    const delivery = this.#pending.get(raw.fields.deliveryTag);
    if (!delivery) return;
    delivery.acked = true;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(flushBatcher, this);
    }
  }

  /** Sends a nack now; false if the channel refused (it is closing). */
  nack(raw: AmqpMessage, requeue: boolean): boolean {
    this.#pending.delete(raw.fields.deliveryTag);
    try {
      this.channel.nack(raw, false, requeue);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends every requested ack. */
  flush(): void {
    this.#scheduled = false;
    // Map order is delivery order: acks before the first unsettled delivery go as one `multiple` ack.
    let upTo: Delivery<T> | undefined;
    let gap = false;
    for (const delivery of this.#pending.values()) {
      if (!delivery.acked) {
        gap = true;
        break;
      }
      upTo = delivery;
    }
    if (upTo) {
      try {
        this.channel.ack(upTo.raw, true);
      } catch {
        // The channel is closing: none of these acks reach the broker, which redelivers them.
        this.lost(this.#takeAcked());
        return;
      }
      for (const [tag, delivery] of this.#pending) {
        this.#pending.delete(tag);
        if (delivery === upTo) break;
      }
    }
    if (gap) this.#ackBehindGap();
  }

  /** Acks behind an unsettled delivery go one by one (rare: a handler settling out of order). */
  #ackBehindGap(): void {
    const failed: T[] = [];
    for (const [tag, delivery] of this.#pending) {
      if (!delivery.acked) continue;
      this.#pending.delete(tag);
      try {
        this.channel.ack(delivery.raw, false);
      } catch {
        failed.push(delivery.subject);
      }
    }
    if (failed.length > 0) this.lost(failed);
  }

  /** The channel is gone: acks requested but not sent are lost. */
  abandon(): void {
    const unsent = this.#takeAcked();
    this.#pending.clear();
    if (unsent.length > 0) this.lost(unsent);
  }

  /** Removes the deliveries whose ack was requested; their subjects. */
  #takeAcked(): T[] {
    const acked: T[] = [];
    for (const [tag, delivery] of this.#pending) {
      if (!delivery.acked) continue;
      this.#pending.delete(tag);
      acked.push(delivery.subject);
    }
    return acked;
  }
}

/** The batcher's turn-end flush, without a closure per turn. */
function flushBatcher(batcher: { flush(): void }): void {
  batcher.flush();
}
