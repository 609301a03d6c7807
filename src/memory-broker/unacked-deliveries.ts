/** A channel's deliveries awaiting acknowledgement, by delivery tag, and settling them: ack, requeue or discard. */
import type { ChannelConsumer } from './consumer.js';
import type { MemoryQueue } from './queue.js';
import type { QueuedMessage } from './ready-list.js';

interface Unacked {
  readonly queue: MemoryQueue;
  readonly message: QueuedMessage;
  /** The consumer it was delivered to; none for basic.get. */
  readonly consumer: ChannelConsumer | undefined;
}

/** What an ack, a nack or a reject does with the messages it names. */
export type Settlement = 'ack' | 'requeue' | 'discard';

export class UnackedDeliveries {
  private lastDeliveryTag = 0;
  private readonly entries = new Map<number, Unacked>();

  constructor(
    /** Settling made room: the given queues (and those the channel consumes from) may deliver again. */
    private readonly redispatch: (queues: readonly MemoryQueue[]) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Tags a delivery; unless it is `noAck`, it is remembered until settled and counts against its consumer. */
  record(queue: MemoryQueue, message: QueuedMessage, consumer: ChannelConsumer | undefined, noAck: boolean): number {
    const deliveryTag = ++this.lastDeliveryTag;
    if (!noAck) {
      this.entries.set(deliveryTag, { queue, message, consumer });
      if (consumer) consumer.unacked += 1;
    }
    return deliveryTag;
  }

  /** The tags an ack, nack or reject names (`multiple` with tag 0 names all); undefined for an unknown tag. */
  named(deliveryTag: number, multiple: boolean): number[] | undefined {
    if (multiple && deliveryTag === 0) return [...this.entries.keys()];
    if (!this.entries.has(deliveryTag)) return undefined;
    return multiple ? [...this.entries.keys()].filter((tag) => tag <= deliveryTag) : [deliveryTag];
  }

  settle(tags: readonly number[], outcome: Settlement): void {
    if (outcome === 'requeue') {
      this.requeue(tags);
      return;
    }
    const queues: MemoryQueue[] = [];
    for (const tag of tags) {
      const entry = this.take(tag);
      queues.push(entry.queue);
      if (outcome === 'discard') entry.queue.discard(entry.message);
    }
    this.redispatch(queues);
  }

  /** Every unacknowledged message back to its queue, marked redelivered (basic.recover, or the channel going away). */
  requeueAll(): void {
    this.requeue([...this.entries.keys()]);
  }

  /** Puts unacknowledged messages back, all first, then delivers: they keep their order. */
  private requeue(tags: readonly number[]): void {
    const queues: MemoryQueue[] = [];
    for (const tag of tags) {
      const entry = this.take(tag);
      entry.queue.requeue(entry.message);
      queues.push(entry.queue);
    }
    this.redispatch(queues);
  }

  private take(tag: number): Unacked {
    const entry = this.entries.get(tag)!;
    this.entries.delete(tag);
    if (entry.consumer) entry.consumer.unacked -= 1;
    return entry;
  }
}
