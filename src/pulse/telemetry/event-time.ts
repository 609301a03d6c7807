/**
 * When the event a message reports happened, for the lag metric (now minus
 * that time). Taskcluster's queue puts it in the payload: a run's `scheduled`
 * time for task-pending, `started` for task-running, `resolved` for
 * task-completed, task-failed and task-exception. Elsewhere (task-defined,
 * artifact-created, task-group-resolved, other services) the payload carries
 * no event time, so the AMQP `timestamp` property is used when the publisher
 * set one (seconds since the epoch), else there is no lag to report.
 */

type RunField = 'scheduled' | 'started' | 'resolved';

/** Queue exchange (last part of its name) → the run field holding its event time. */
const QUEUE_RUN_FIELDS: ReadonlyMap<string, RunField> = new Map([
  ['task-pending', 'scheduled'],
  ['task-running', 'started'],
  ['task-completed', 'resolved'],
  ['task-failed', 'resolved'],
  ['task-exception', 'resolved'],
]);

/** Milliseconds since the epoch of the event, from the payload; undefined when it carries none. */
export type EventTimeReader = (payload: unknown) => number | undefined;

const none: EventTimeReader = () => undefined;

/** The reader for one exchange, chosen once per exchange (not per message). */
export function eventTimeReader(exchange: string): EventTimeReader {
  const match = /(?:^|\/)taskcluster-queue\/v1\/([a-z-]+)$/.exec(exchange);
  const field = match ? QUEUE_RUN_FIELDS.get(match[1]!) : undefined;
  if (!field) return none;
  return (payload) => {
    const { status, runId } = (payload ?? {}) as { status?: { runs?: ReadonlyArray<Partial<Record<RunField, unknown>>> }; runId?: unknown };
    const time = typeof runId === 'number' ? status?.runs?.[runId]?.[field] : undefined;
    if (typeof time !== 'string') return undefined;
    const ms = Date.parse(time);
    return Number.isNaN(ms) ? undefined : ms;
  };
}

/** The AMQP `timestamp` property (seconds since the epoch) in milliseconds, if a publisher set one. */
export function amqpTimestampMs(timestamp: unknown): number | undefined {
  return typeof timestamp === 'number' && timestamp > 0 ? timestamp * 1000 : undefined;
}
