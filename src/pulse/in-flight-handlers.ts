import type { ReceivedMessage } from './pulse-message.js';

/**
 * One run of a handler on one delivery. `running` holds a concurrency slot;
 * `detached` lost its channel (slot given back, the broker redelivers the
 * message) but its result still makes an outcome; `over` was settled without
 * it (timed out, released at stop), so its late result is ignored.
 */
export class HandlerRun {
  state: 'running' | 'detached' | 'over' = 'running';
  constructor(
    readonly message: ReceivedMessage,
    readonly deliveryCount: number,
  ) {}
}

/**
 * The handler runs holding a slot, with their deadlines. Every run gets the
 * same timeout, so start order is deadline order: one timer, aimed at the
 * oldest run, does for all of them (no timer per message). A run that ends
 * early is just forgotten; the timer, on waking, re-aims at the next oldest.
 */
export class InFlightHandlers {
  readonly #deadlines = new Map<HandlerRun, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    /** A run passed its deadline; it is already removed. */
    private readonly expired: (run: HandlerRun) => void,
  ) {}

  add(run: HandlerRun): void {
    if (this.timeoutMs === Infinity) {
      this.#deadlines.set(run, Infinity);
      return;
    }
    this.#deadlines.set(run, Date.now() + this.timeoutMs);
    this.#timer ??= this.#arm(this.timeoutMs);
  }

  /** False if the run was not in flight (removed already). */
  delete(run: HandlerRun): boolean {
    return this.#deadlines.delete(run);
  }

  /** Removes and returns the runs `select` picks. */
  take(select: (run: HandlerRun) => boolean): HandlerRun[] {
    const taken: HandlerRun[] = [];
    for (const run of this.#deadlines.keys()) if (select(run)) taken.push(run);
    for (const run of taken) this.#deadlines.delete(run);
    return taken;
  }

  /** Stops the timer (the runs are no longer watched). */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): NodeJS.Timeout {
    // A watchdog only: it must not keep the process alive by itself.
    return setTimeout(() => this.#wake(), ms).unref();
  }

  #wake(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const [run, deadline] of this.#deadlines) {
      if (deadline > now) {
        this.#timer = this.#arm(deadline - now);
        return;
      }
      this.#deadlines.delete(run);
      this.expired(run);
    }
  }
}
