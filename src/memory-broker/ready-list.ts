/** A queue's ready messages in queue order, with requeued messages back in their original places. */
import type { PublishedMessage } from './message.js';

/** One message in one queue. */
export interface QueuedMessage {
  /** Position in the queue: requeued messages go back to it, as in RabbitMQ. */
  readonly seq: number;
  readonly message: PublishedMessage;
  redelivered: boolean;
  /** Times the message came back unacknowledged (a quorum queue's `x-delivery-count`). */
  returns: number;
}

/**
 * The ready messages of a queue in queue order. New messages go to the back; a
 * requeued message goes back to its original place, so requeued messages come
 * out first and in their original order.
 */
export class ReadyList {
  private items: QueuedMessage[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(message: QueuedMessage): void {
    const last = this.items[this.items.length - 1];
    if (this.length > 0 && last !== undefined && last.seq > message.seq) this.insert(message);
    else this.items.push(message);
  }

  insert(message: QueuedMessage): void {
    let low = this.head;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.items[mid]!.seq < message.seq) low = mid + 1;
      else high = mid;
    }
    if (low === this.head && this.head > 0) {
      this.items[--this.head] = message;
    } else {
      this.items.splice(low, 0, message);
    }
  }

  shift(): QueuedMessage | undefined {
    if (this.length === 0) return undefined;
    const message = this.items[this.head];
    this.items[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return message;
  }

  clear(): QueuedMessage[] {
    const removed = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return removed;
  }
}
