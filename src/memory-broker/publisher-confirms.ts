/** Publisher confirms on one channel: publishes awaiting the broker's ack or nack, and waitForConfirms. */
import type { Replies } from 'amqplib';

/** The callback a publish on amqplib's ConfirmChannel takes. */
export type ConfirmCallback = (err: Error | null, ok: Replies.Empty) => void;

/** One publish awaiting its confirm. */
export interface PendingConfirm {
  readonly callback: ConfirmCallback | undefined;
  readonly waiters: ((err: Error | null) => void)[];
}

export class PublisherConfirms {
  private pending = new Set<PendingConfirm>();
  private closedWithUnconfirmed = false;

  /** Remembers a publish until the broker confirms it. */
  track(callback: ConfirmCallback | undefined): PendingConfirm {
    const pending: PendingConfirm = { callback, waiters: [] };
    this.pending.add(pending);
    return pending;
  }

  /** The broker's answer: `null` acks, an error nacks. Too late once the channel's close has failed the publish. */
  settle(pending: PendingConfirm, error: Error | null): void {
    if (!this.pending.delete(pending)) return;
    notifyConfirm(pending, error);
  }

  /** amqplib's waitForConfirms: every publish so far confirmed; fails on a nack, or after a close left some unconfirmed. */
  waitForAll(): Promise<void> {
    if (this.closedWithUnconfirmed) return Promise.reject(new Error('channel closed'));
    const waiting = [...this.pending].map(
      (pending) => new Promise<void>((resolve, reject) => pending.waiters.push((err) => (err ? reject(err) : resolve()))),
    );
    return Promise.all(waiting).then(() => undefined);
  }

  /** The channel has closed: publishes still awaiting a confirm fail. */
  failAll(): void {
    const unconfirmed = this.pending;
    this.pending = new Set();
    this.closedWithUnconfirmed = unconfirmed.size > 0;
    const error = new Error('channel closed');
    for (const pending of unconfirmed) notifyConfirm(pending, error);
  }
}

function notifyConfirm(pending: PendingConfirm, error: Error | null): void {
  pending.callback?.(error, {});
  for (const waiter of pending.waiters) waiter(error);
}
