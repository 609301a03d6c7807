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
 * settled, single acks for the rest. Nacks go at once. Delivery tags rise in
 * delivery order, which is what makes `multiple` safe to use.
 */
export class AckBatcher<T> {
  /** Tags in delivery order; settled ones are skipped lazily. */
  #order: number[] = [];
  #head = 0;
  readonly #deliveries = new Map<number, Delivery<T>>();
  #scheduled = false;

  constructor(
    private readonly channel: AmqpChannel,
    /** Acks that could not be sent (the channel closed first). */
    private readonly lost: (subjects: T[]) => void,
  ) {}

  delivered(raw: AmqpMessage, subject: T): void {
    this.#order.push(raw.fields.deliveryTag);
    this.#deliveries.set(raw.fields.deliveryTag, { raw, subject, acked: false });
  }

  ack(raw: AmqpMessage): void {
    const delivery = this.#deliveries.get(raw.fields.deliveryTag);
    if (!delivery) return;
    delivery.acked = true;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends a nack now; false if the channel refused (it is closing). */
  nack(raw: AmqpMessage, requeue: boolean): boolean {
    this.#deliveries.delete(raw.fields.deliveryTag);
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
    let upTo: Delivery<T> | undefined;
    const covered: Delivery<T>[] = [];
    while (this.#head < this.#order.length) {
      const tag = this.#order[this.#head]!;
      const delivery = this.#deliveries.get(tag);
      if (delivery && !delivery.acked) break;
      this.#head++;
      if (!delivery) continue;
      this.#deliveries.delete(tag);
      covered.push(delivery);
      upTo = delivery;
    }
    if (this.#head > 1024) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
    const behindGap = [...this.#deliveries.values()].filter((d) => d.acked);
    for (const delivery of behindGap) this.#deliveries.delete(delivery.raw.fields.deliveryTag);
    try {
      if (upTo) this.channel.ack(upTo.raw, true);
    } catch {
      // The channel is closing: none of these acks reach the broker, which redelivers them.
      this.lost([...covered, ...behindGap].map((d) => d.subject));
      return;
    }
    const failed: T[] = [];
    for (const delivery of behindGap) {
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
    const unsent = [...this.#deliveries.values()].filter((d) => d.acked).map((d) => d.subject);
    this.#deliveries.clear();
    this.#order = [];
    this.#head = 0;
    if (unsent.length > 0) this.lost(unsent);
  }
}
