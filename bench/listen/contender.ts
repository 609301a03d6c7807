/**
 * A contender consumes a pre-filled queue the way its users would, and the
 * drain runner times it from its first message to its last, so connection
 * setup and queue declaration (which differ by library) are not counted.
 */
import { performance } from 'node:perf_hooks';
import { withDeadline } from './deadline.js';
import type { BenchQueue } from './workload.js';

/** Called once per message after the contender's per-message work, with what a handler would see. */
export type OnMessage = (payload: unknown) => void;

/** Closes everything the contender opened, after its last ack has gone out. */
export type Stop = () => Promise<void>;

export interface Contender {
  /** Short name, used in knobs and tables. */
  readonly name: string;
  /** What it is, for people. */
  readonly label: string;
  /** True when its per-message work includes `JSON.parse` (all but the broker ceiling). */
  readonly parses: boolean;
  /** Starts consuming `queue` with `prefetch`; resolves once consuming (or about to). */
  start(queue: BenchQueue, prefetch: number, onMessage: OnMessage): Promise<Stop>;
}

export interface DrainResult {
  readonly messagesPerSecond: number;
  /** Process CPU (user + system) per message between the first message and the last. */
  readonly cpuMicrosPerMessage: number;
}

export interface DrainOptions {
  readonly count: number;
  readonly prefetch: number;
  readonly timeoutMs: number;
  /** Sees every payload, for checks; the bench leaves it out. */
  readonly inspect?: OnMessage;
}

/** Consumes `count` messages from a queue that holds them; stops the contender whatever happens. */
export async function drain(contender: Contender, queue: BenchQueue, options: DrainOptions): Promise<DrainResult> {
  const { count, inspect } = options;
  let received = 0;
  let firstAt = 0;
  let lastAt = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  let cpu: NodeJS.CpuUsage | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const onMessage: OnMessage = (payload) => {
    if (received === 0) {
      firstAt = performance.now();
      cpuAtFirst = process.cpuUsage();
    }
    inspect?.(payload);
    if (++received !== count) return;
    lastAt = performance.now();
    cpu = process.cpuUsage(cpuAtFirst);
    finish();
  };
  const what = `${contender.name} draining ${count} messages from ${queue.fullName}`;
  const stop = await withDeadline(`${what} (start)`, options.timeoutMs, () => contender.start(queue, options.prefetch, onMessage));
  try {
    await withDeadline(what, options.timeoutMs, () => done).catch((error: unknown) => {
      throw new Error(`${(error as Error).message} (received ${received})`);
    });
  } finally {
    await withDeadline(`${contender.name} stopping`, options.timeoutMs, stop);
  }
  const intervals = Math.max(1, count - 1);
  return {
    messagesPerSecond: (intervals / Math.max(lastAt - firstAt, 1e-3)) * 1000,
    cpuMicrosPerMessage: cpu ? (cpu.user + cpu.system) / intervals : Number.NaN,
  };
}
