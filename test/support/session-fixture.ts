/**
 * A ConsumeSession on fakes, for unit tests of the consume pump: outcomes and
 * reports collected, handlers the test finishes when it wants, and outcomes
 * summed up as text (`1 handled sent #1`, `3 released not-started sent #1`).
 */
import { resolveConsumeSettings, type ConsumeOptions } from '../../src/pulse/consume-options.js';
import type { ConsumeOutcome } from '../../src/pulse/consume-outcome.js';
import { ConsumeSession } from '../../src/pulse/consume-session.js';
import type { ReceivedMessage } from '../../src/pulse/pulse-message.js';
import { resolveQueueOptions, type QueueOptions } from '../../src/pulse/queue-options.js';

type Outcome = ConsumeOutcome<ReceivedMessage, unknown>;
type Handler = (message: ReceivedMessage) => unknown;

/** Resolves after every promise continuation pending now has run (setImmediate is never faked here). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One outcome as text: tag, status, what was sent (or why released), delivery count. */
export function describeOutcome(outcome: Outcome): string {
  const parts: string[] = [String(outcome.message.raw.fields.deliveryTag), outcome.status];
  if (outcome.settledBy === 'handler') parts.push('by-handler', outcome.settle);
  else if (outcome.status === 'handled') parts.push(outcome.ack);
  else if (outcome.status === 'retrying') parts.push(outcome.requeue);
  else if (outcome.status === 'released') parts.push(outcome.reason, outcome.requeue);
  parts.push(`#${outcome.deliveryCount}`);
  return parts.join(' ');
}

/**
 * A handler whose runs the test ends: each run returns a promise that
 * `succeed(tag)` or `fail(tag)` settles (the latest run of that tag).
 */
export class ControlledHandler {
  /** Tags of the runs started, in order. */
  readonly started: number[] = [];
  readonly #runs = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();

  readonly run = (message: ReceivedMessage): Promise<unknown> => {
    const tag = message.raw.fields.deliveryTag;
    this.started.push(tag);
    return new Promise((resolve, reject) => this.#runs.set(tag, { resolve, reject }));
  };

  succeed(tag: number, value: unknown = `done ${tag}`): void {
    this.#runFor(tag).resolve(value);
  }

  fail(tag: number, error: unknown = new Error(`run of ${tag} failed`)): void {
    this.#runFor(tag).reject(error);
  }

  #runFor(tag: number) {
    const run = this.#runs.get(tag);
    if (!run) throw new Error(`no run of ${tag} started`);
    return run;
  }
}

export interface SessionFixture {
  readonly session: ConsumeSession<unknown>;
  readonly outcomes: Outcome[];
  /** The client's `error` events. */
  readonly reports: Error[];
  /** Every outcome so far, as text. */
  summary(): string[];
  /** Nobody subscribed any more: outcomes cannot be emitted. */
  unsubscribe(): void;
}

export function sessionOf(
  handler: Handler,
  options: ConsumeOptions = {},
  setup: { readonly queue?: QueueOptions; readonly reportThrows?: boolean } = {},
): SessionFixture {
  const outcomes: Outcome[] = [];
  const reports: Error[] = [];
  let subscribed = true;
  const session = new ConsumeSession<unknown>(handler, resolveConsumeSettings(options), resolveQueueOptions('test', setup.queue ?? { queueName: 'q' }), {
    emit: (outcome) => subscribed && outcomes.push(outcome) > 0,
    report: (error) => {
      reports.push(error);
      if (setup.reportThrows) throw new Error('an error listener that throws');
    },
  });
  return {
    session,
    outcomes,
    reports,
    summary: () => outcomes.map(describeOutcome),
    unsubscribe: () => void (subscribed = false),
  };
}
