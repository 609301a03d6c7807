import type { ReceivedMessage } from './pulse-message.js';

/** A failed delivery waiting out its retry delay before it is requeued. */
export interface RetryWait {
  readonly message: ReceivedMessage;
  readonly deliveryCount: number;
  readonly error: unknown;
}

/**
 * Failed deliveries waiting to be requeued. They hold their message (it
 * counts against prefetch) but no concurrency slot, and can be taken back
 * early: when their channel goes, or when the stream stops.
 */
export class RetryWaits {
  readonly #waits = new Map<RetryWait, NodeJS.Timeout>();

  /** Calls `due` after `delayMs`, unless the wait is taken first. */
  wait(wait: RetryWait, delayMs: number, due: (wait: RetryWait) => void): void {
    const timer = setTimeout(() => {
      this.#waits.delete(wait);
      due(wait);
    }, delayMs);
    this.#waits.set(wait, timer);
  }

  /** Cancels and returns the waits `select` picks (all by default). */
  take(select: (wait: RetryWait) => boolean = () => true): RetryWait[] {
    const taken: RetryWait[] = [];
    for (const [wait, timer] of this.#waits) {
      if (!select(wait)) continue;
      clearTimeout(timer);
      taken.push(wait);
    }
    for (const wait of taken) this.#waits.delete(wait);
    return taken;
  }
}
