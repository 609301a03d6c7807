import { AckBatcher } from './ack-batcher.js';
import type { AmqpChannel, AmqpMessage } from './amqp-api.js';
import { StaleDeliveryError } from './pulse-errors.js';
import type { DeliveryChannel, ReceivedMessage, SettleResult } from './pulse-message.js';
import type { RetryPublisher } from './retry-queue.js';

/** Why a channel's life ended. */
export type ChannelEnd =
  | { readonly kind: 'closed'; readonly error?: Error }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'connection-lost'; readonly error?: Error };

/**
 * One channel with one consumer, and everything that belongs to it: its
 * delivery tags, its unsettled count, its end. Each reconnection makes a new
 * one, so an ack for an old delivery can never reach a new channel: once
 * `alive` is false, settling is a reported no-op.
 */
export class ActiveChannel implements DeliveryChannel {
  #alive = true;
  #unsettled = 0;
  #idleWaiters: Array<() => void> = [];
  #resolveEnd!: (end: ChannelEnd) => void;
  readonly #acks: AckBatcher<ReceivedMessage>;
  /** Resolves once, when the channel is gone for any reason. */
  readonly ended: Promise<ChannelEnd>;
  readonly openedAt = Date.now();
  /** Set with `retryQueues`: retry copies go out on a confirm channel of their own, closed with this one. */
  retryPublisher: RetryPublisher | undefined;

  constructor(
    readonly channel: AmqpChannel,
    readonly queue: string,
    readonly consumerTag: string,
    private readonly report: (error: Error) => void,
    /** Its queue is a quorum queue, whose `x-delivery-count` the broker sets. */
    readonly brokerCountsDeliveries: boolean,
  ) {
    this.ended = new Promise((resolve) => {
      this.#resolveEnd = resolve;
    });
    this.#acks = new AckBatcher(channel, (messages) => {
      for (const message of messages) report(new StaleDeliveryError(message.delivery, 'ack'));
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  get unsettled(): number {
    return this.#unsettled;
  }

  /** Marks the channel gone (idempotent); from now on acks are no-ops. */
  end(end: ChannelEnd): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#unsettled = 0;
    this.#acks.abandon();
    this.retryPublisher?.close();
    this.#resolveEnd(end);
    this.#wakeIdle();
  }

  /** A delivery handed out for settling. */
  track(message: ReceivedMessage): void {
    this.#unsettled++;
    this.#acks.delivered(message.raw, message);
  }

  settle(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean, message: ReceivedMessage): SettleResult {
    if (!this.#alive || (operation === 'nack' && !this.#acks.nack(raw, requeue))) {
      this.report(new StaleDeliveryError(message.delivery, operation));
      return 'channel-closed';
    }
    if (operation === 'ack') this.#acks.ack(raw);
    if (--this.#unsettled === 0) this.#wakeIdle();
    return 'sent';
  }

  /** Sends acks requested so far (they are otherwise batched until the next turn of the event loop). */
  flushAcks(): void {
    if (this.#alive) this.#acks.flush();
  }

  /** Settles a delivery that never became a PulseMessage (malformed, unbound), at once. */
  settleRaw(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean): void {
    if (!this.#alive) return;
    try {
      if (operation === 'ack') this.channel.ack(raw);
      else this.channel.nack(raw, false, requeue);
    } catch {
      // amqplib throws once the channel is closing; the close event follows.
    }
  }

  /** Resolves when nothing handed out is unsettled, or the channel is gone. */
  idle(): Promise<void> {
    if (this.#unsettled === 0 || !this.#alive) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
