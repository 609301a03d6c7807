import type { AmqpChannel, AmqpMessage } from './amqp-api.js';
import { StaleDeliveryError } from './pulse-errors.js';
import type { DeliveryChannel, ReceivedMessage, SettleResult } from './pulse-message.js';

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
  /** Resolves once, when the channel is gone for any reason. */
  readonly ended: Promise<ChannelEnd>;
  readonly openedAt = Date.now();

  constructor(
    readonly channel: AmqpChannel,
    readonly queue: string,
    readonly consumerTag: string,
    private readonly report: (error: Error) => void,
  ) {
    this.ended = new Promise((resolve) => {
      this.#resolveEnd = resolve;
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
    this.#resolveEnd(end);
    this.#wakeIdle();
  }

  /** A delivery handed out for settling. */
  track(): void {
    this.#unsettled++;
  }

  settle(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean, message: ReceivedMessage): SettleResult {
    if (!this.#alive || !this.#send(raw, operation, requeue)) {
      this.report(new StaleDeliveryError(message.delivery, operation));
      return 'channel-closed';
    }
    if (--this.#unsettled === 0) this.#wakeIdle();
    return 'sent';
  }

  /** Settles a delivery that never became a PulseMessage (malformed, unbound). */
  settleRaw(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean): void {
    if (this.#alive) this.#send(raw, operation, requeue);
  }

  /** Resolves when nothing handed out is unsettled, or the channel is gone. */
  idle(): Promise<void> {
    if (this.#unsettled === 0 || !this.#alive) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #send(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean): boolean {
    try {
      if (operation === 'ack') this.channel.ack(raw);
      else this.channel.nack(raw, false, requeue);
      return true;
    } catch {
      // amqplib throws once the channel is closing; the close event follows.
      return false;
    }
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
