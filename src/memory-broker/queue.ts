/** A queue: ready messages, consumers served round-robin, max length, dead-lettering and quorum delivery limits. */
import { refuse } from './amqp-errors.js';
import type { FieldTable, PublishedMessage } from './message.js';
import type { QueueDeclaration, QueueSettings } from './queue-arguments.js';
import { ReadyList, type QueuedMessage } from './ready-list.js';

/** Why a message was dead-lettered, as RabbitMQ writes it in `x-death`. */
export type DeathReason = 'rejected' | 'maxlen' | 'delivery_limit';

/** A consumer as a queue sees it. */
export interface QueueConsumer {
  readonly tag: string;
  readonly exclusive: boolean;
  /** Whether it may be handed another message now (open channel, prefetch). */
  hasCapacity(): boolean;
  /** Hands over a message; the consumer owns it until it is acknowledged. */
  deliver(message: QueuedMessage, queue: MemoryQueue): void;
  /** The server ends the consumer, e.g. because its queue was deleted. */
  cancelledByServer(): void;
}

/** What a queue needs from its broker. */
export interface QueueHost {
  nextSeq(): number;
  deadLetter(queue: MemoryQueue, message: QueuedMessage, reason: DeathReason): void;
  autoDelete(queue: MemoryQueue): void;
}

/**
 * A queue: ready messages in order, consumers served round-robin within their
 * prefetch, and the arguments this library uses (max length with overflow,
 * dead-lettering, quorum delivery counting and limit).
 */
export class MemoryQueue {
  private readonly ready = new ReadyList();
  private consumers: QueueConsumer[] = [];
  private nextConsumer = 0;
  private hadConsumer = false;
  private dispatching = false;
  deleted = false;

  constructor(
    readonly name: string,
    readonly declaration: QueueDeclaration,
    readonly settings: QueueSettings,
    /** The connection that owns an exclusive queue. */
    readonly owner: object | undefined,
    private readonly host: QueueHost,
  ) {}

  get messageCount(): number {
    return this.ready.length;
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  /** Throws RabbitMQ's RESOURCE_LOCKED unless `connection` may use this queue. */
  checkAccess(connection: object): void {
    if (this.owner !== undefined && this.owner !== connection) throw refuse.locked(this.name);
  }

  /** Takes a published message; false when the queue refuses it (`reject-publish` overflow). */
  offer(message: PublishedMessage): boolean {
    const { maxLength, overflow } = this.settings;
    const queued: QueuedMessage = { seq: this.host.nextSeq(), message, redelivered: false, returns: 0 };
    if (maxLength !== undefined && overflow !== 'drop-head' && this.ready.length >= maxLength && !this.canDeliverNow()) {
      if (overflow === 'reject-publish-dlx') this.host.deadLetter(this, queued, 'maxlen');
      return false;
    }
    this.ready.push(queued);
    this.dispatch();
    if (maxLength !== undefined && overflow === 'drop-head') {
      while (this.ready.length > maxLength) this.host.deadLetter(this, this.ready.shift()!, 'maxlen');
    }
    return true;
  }

  /**
   * Puts an unacknowledged message back in its place, marked redelivered. The
   * caller dispatches once it has put back all it returns, so they keep their order.
   */
  requeue(message: QueuedMessage): void {
    if (this.deleted) return;
    message.redelivered = true;
    if (this.settings.type === 'quorum') {
      message.returns += 1;
      const limit = this.settings.deliveryLimit;
      if (limit !== undefined && message.returns > limit) {
        this.host.deadLetter(this, message, 'delivery_limit');
        return;
      }
    }
    this.ready.insert(message);
  }

  /** A message rejected without requeue: dead-lettered if the queue says where, else dropped. */
  discard(message: QueuedMessage): void {
    if (!this.deleted) this.host.deadLetter(this, message, 'rejected');
  }

  /** Headers the queue adds on delivery: a quorum queue's delivery count. */
  deliveryHeaders(message: QueuedMessage): FieldTable {
    return this.settings.type === 'quorum' && message.returns > 0 ? { 'x-delivery-count': message.returns } : {};
  }

  /** basic.get: the next ready message, if any. */
  take(): QueuedMessage | undefined {
    return this.ready.shift();
  }

  addConsumer(consumer: QueueConsumer): void {
    if (this.consumers.some((c) => c.exclusive) || (consumer.exclusive && this.consumers.length > 0)) {
      throw refuse.exclusiveUse(this.name);
    }
    this.consumers.push(consumer);
    this.hadConsumer = true;
  }

  removeConsumer(consumer: QueueConsumer): void {
    const index = this.consumers.indexOf(consumer);
    if (index < 0) return;
    this.consumers.splice(index, 1);
    if (this.nextConsumer > index) this.nextConsumer -= 1;
    if (this.declaration.autoDelete && this.hadConsumer && this.consumers.length === 0) this.host.autoDelete(this);
  }

  purge(): number {
    return this.ready.clear().length;
  }

  /** Deletes the queue: drops its messages and cancels its consumers; returns the ready count. */
  destroy(): number {
    this.deleted = true;
    const count = this.ready.clear().length;
    const consumers = this.consumers;
    this.consumers = [];
    for (const consumer of consumers) consumer.cancelledByServer();
    return count;
  }

  /** Hands ready messages to consumers with room, round-robin, as RabbitMQ does. */
  dispatch(): void {
    // A delivery can requeue or dead-letter into this queue again; one loop at a time.
    if (this.dispatching || this.deleted) return;
    this.dispatching = true;
    try {
      while (this.ready.length > 0) {
        const consumer = this.nextWithCapacity();
        if (!consumer) break;
        consumer.deliver(this.ready.shift()!, this);
      }
    } finally {
      this.dispatching = false;
    }
  }

  private canDeliverNow(): boolean {
    return this.ready.length === 0 && this.consumers.some((c) => c.hasCapacity());
  }

  private nextWithCapacity(): QueueConsumer | undefined {
    const count = this.consumers.length;
    for (let i = 0; i < count; i++) {
      const index = (this.nextConsumer + i) % count;
      const consumer = this.consumers[index]!;
      if (consumer.hasCapacity()) {
        this.nextConsumer = (index + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }
}
