import { createHash } from 'node:crypto';
import type { PulseMessage } from '../../pulse/pulse-message.js';

/** What `eventKey()` reads of a message: a received `PulseMessage`, or one rebuilt (by backfill) with the same exchange and fields. */
export type KeyedEvent = Pick<PulseMessage, 'exchange' | 'routingKey' | 'fields' | 'payload'>;

/**
 * The default deduplication key: what identifies a Taskcluster event, the
 * same for every delivery of it and for a backfilled copy rebuilt from the
 * queue. A pure function of the message:
 *
 * - an event of a task run (its routing key has a `taskId` and a `runId`):
 *   the exchange (which says the state: `task-pending`, `task-completed`,
 *   `task-failed`…), `taskId` and `runId`, e.g.
 *   `exchange/taskcluster-queue/v1/task-completed|fPAzoAcRQS-2Rlh2uj_Q2A|0`;
 *   for `artifact-created`, one run makes many, so the artifact's name too;
 *   `task-defined` (once per task): the exchange and `taskId`, `runId` `_`;
 * - any other event (task groups, priority changes, other services): the
 *   exchange, the routing key and a SHA-256 of the payload, so redeliveries
 *   of one message match but different events do not (an identical event
 *   published again within the TTL counts as a duplicate, e.g. a task group
 *   resolved a second time: give a `key` of your own for that).
 */
export function eventKey(message: KeyedEvent): string {
  const { taskId, runId } = message.fields as Readonly<Record<string, string | number | undefined>>;
  const hasRun = runId !== undefined && runId !== '_';
  if (taskId !== undefined && taskId !== '_' && (hasRun || message.exchange.endsWith('/task-defined'))) {
    const key = `${message.exchange}|${taskId}|${hasRun ? runId : '_'}`;
    const artifact = artifactName(message.payload);
    return message.exchange.endsWith('/artifact-created') && artifact !== undefined ? `${key}|${artifact}` : key;
  }
  const digest = createHash('sha256').update(JSON.stringify(message.payload) ?? '').digest('base64url');
  return `${message.exchange}|${message.routingKey}|${digest}`;
}

function artifactName(payload: unknown): string | undefined {
  const name = (payload as { artifact?: { name?: unknown } } | null | undefined)?.artifact?.name;
  return typeof name === 'string' ? name : undefined;
}
