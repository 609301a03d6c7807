/** One basic.consume on one channel, as a queue sees it: its callback, prefetch and unacknowledged count. */
import type { ConsumeMessage } from 'amqplib';
import type { MemoryQueue, QueueConsumer } from './queue.js';
import type { QueuedMessage } from './ready-list.js';

/** What a consumer needs from its channel. */
export interface ConsumerChannel {
  /** Whether the channel is open and its consumers may receive. */
  isOpen(): boolean;
  /** Whether the channel-wide prefetch (basic.qos with global=true) leaves room. */
  withinChannelPrefetch(): boolean;
  deliver(consumer: ChannelConsumer, message: QueuedMessage, queue: MemoryQueue): void;
  cancelledByServer(consumer: ChannelConsumer): void;
}

/** One basic.consume on one channel: the callback, its prefetch and its unacknowledged count. */
export class ChannelConsumer implements QueueConsumer {
  /** Messages delivered and not yet acknowledged (never counted with noAck). */
  unacked = 0;

  constructor(
    readonly tag: string,
    readonly queue: MemoryQueue,
    readonly callback: (message: ConsumeMessage | null) => void,
    readonly noAck: boolean,
    readonly exclusive: boolean,
    /** Per-consumer prefetch in force when it started (basic.qos with global=false); 0 is unlimited. */
    readonly prefetch: number,
    private readonly channel: ConsumerChannel,
  ) {}

  hasCapacity(): boolean {
    if (!this.channel.isOpen()) return false;
    if (this.noAck) return true;
    return (this.prefetch === 0 || this.unacked < this.prefetch) && this.channel.withinChannelPrefetch();
  }

  deliver(message: QueuedMessage, queue: MemoryQueue): void {
    this.channel.deliver(this, message, queue);
  }

  cancelledByServer(): void {
    this.channel.cancelledByServer(this);
  }
}
