/**
 * Periodic connection recycling (`recycleAfterMs`): a connection is retired
 * after a jittered while, so long-lived bots exercise reconnection regularly
 * and pick up rotated credentials and rebalanced cluster nodes, as
 * Taskcluster's own consumer does every hour. Retiring is make-before-break:
 * each subscription first consumes on a new connection, then lets the old
 * channel's delivered messages settle (up to `closeTimeoutMs`) before closing
 * it, which requeues anything still unsettled: at least once, never lost.
 */

/** How far either way the recycle time is drawn, so replicas started together do not recycle together. */
export const RECYCLE_JITTER = 0.2;

/** Calls `due` once after about `afterMs` (± {@link RECYCLE_JITTER}); returns the cancel. The timer does not keep the process alive. */
export function scheduleRecycle(afterMs: number, due: () => void, random: () => number = Math.random): () => void {
  const delay = Math.round(afterMs * (1 - RECYCLE_JITTER + 2 * RECYCLE_JITTER * random()));
  const timer = setTimeout(due, delay);
  timer.unref();
  return () => clearTimeout(timer);
}

/** A signal a retiring connection raises: subscriptions on it move to a new one. */
export class Retirement {
  #retire!: () => void;
  #retired = false;
  /** Resolves when the connection starts retiring. */
  readonly started: Promise<void> = new Promise((resolve) => {
    this.#retire = resolve;
  });

  get retired(): boolean {
    return this.#retired;
  }

  start(): void {
    this.#retired = true;
    this.#retire();
  }
}
