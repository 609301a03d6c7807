import { depthLevel, type QueueDepthLevel, type QueueDepthLimits } from './queue-depth-options.js';

/** One queue's depth as last sampled. */
export interface QueueDepthSample {
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
  readonly level: QueueDepthLevel;
  /** Milliseconds since the epoch. */
  readonly sampledAt: number;
}

/** The `queue-depth` event: a queue's depth crossed a limit, up or back down. */
export interface QueueDepthEvent {
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
  readonly level: QueueDepthLevel;
  readonly previousLevel: QueueDepthLevel;
  readonly warnAt: number;
  readonly criticalAt: number;
}

/** What the monitor samples through: the client's queues and its connection. */
export interface DepthSource {
  /** Names of the queues live subscriptions consume from. */
  queues(): readonly string[];
  /** Whether a connection is open (sampling never opens one). */
  readonly connected: boolean;
  /** A passive check of one queue; rejects if it is gone. */
  check(queue: string): Promise<{ readonly messageCount: number; readonly consumerCount: number }>;
}

/**
 * Samples the depth of every subscribed queue periodically and says when one
 * crosses a limit (`changed`), so that a bot hears of a backlog before the
 * Pulse guardian deletes its queue. One sampling round at a time; nothing
 * while disconnected; the timer does not keep the process alive.
 */
export class QueueDepthMonitor {
  readonly #samples = new Map<string, QueueDepthSample>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;

  constructor(
    readonly limits: QueueDepthLimits,
    private readonly source: DepthSource,
    private readonly changed: (event: QueueDepthEvent) => void,
  ) {}

  /** The last sample of each live queue. */
  get samples(): ReadonlyMap<string, QueueDepthSample> {
    return this.#samples;
  }

  /** Starts periodic sampling (idempotent; a no-op when sampling is off). */
  start(): void {
    if (this.#timer || this.limits.sampleIntervalMs === 0) return;
    this.#timer = setInterval(() => void this.sample(), this.limits.sampleIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sampling round now (joins the round in progress). */
  sample(): Promise<void> {
    this.#round ??= this.#sampleAll().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  async #sampleAll(): Promise<void> {
    const queues = new Set(this.source.queues());
    for (const queue of this.#samples.keys()) if (!queues.has(queue)) this.#samples.delete(queue);
    for (const queue of queues) {
      if (!this.source.connected) return;
      try {
        const { messageCount, consumerCount } = await this.source.check(queue);
        this.#record(queue, messageCount, consumerCount);
      } catch {
        // Gone or unreachable: its subscription reports that (cancel, disconnect); keep the last sample.
      }
    }
  }

  #record(queue: string, messageCount: number, consumerCount: number): void {
    const level = depthLevel(messageCount, this.limits);
    const previousLevel = this.#samples.get(queue)?.level ?? 'ok';
    this.#samples.set(queue, { queue, messageCount, consumerCount, level, sampledAt: Date.now() });
    if (level !== previousLevel) {
      const { warnAt, criticalAt } = this.limits;
      this.changed({ queue, messageCount, consumerCount, level, previousLevel, warnAt, criticalAt });
    }
  }
}
