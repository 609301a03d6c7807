import { closeQuietly } from '../close-quietly.js';
import type { AmqpChannel, AmqpConnection, AmqpMessage } from '../amqp-api.js';
import { amqpCode, ClientClosedError } from '../broker-errors.js';
import { sleep } from '../sleep.js';
import type { DeclaredBinding } from './binding-set.js';
import type { StaleBindingsHost } from './stale-bindings-host.js';

/** A consumer of an old queue, delivering into the subscription's stream. */
export interface Drainer {
  /** Cancels, waits until what it delivered is settled (bounded), closes its channel. */
  stop(): Promise<void>;
}

export interface HandoverContext {
  /** `queue/<namespace>/<queueName>`: what the bot used before the handover policy, and the records' prefix. */
  readonly baseQueue: string;
  /** `<baseQueue>/<hash of the binding set>`, already bound and consumed. */
  readonly newQueue: string;
  readonly bindings: readonly DeclaredBinding[];
  /** Aborted when the subscription stops. */
  readonly signal: AbortSignal;
  /** How often the old queue's depth is checked. Default 250 ms. */
  readonly pollMs?: number;
  connection(): Promise<AmqpConnection>;
  /** Starts consuming an existing queue into the stream; `failed` if it cannot (e.g. the queue is gone). */
  drain(queue: string, failed: (error: Error) => void): Drainer;
}

/** Where a handover's progress (`handover` events) and failures (`error` events) go. */
type HandoverHost = Pick<StaleBindingsHost, 'handover' | 'report'>;
const DEFAULT_POLL_MS = 250;

/** A queue that held this subscription's messages, as recorded by an earlier handover. */
interface HandoverRecord {
  readonly queue: string;
  readonly bindings?: readonly DeclaredBinding[];
}

const RECORD_READ_MS = 5_000;

/** The durable queue holding one record (a message) per queue of this subscription that may still exist. */
export function recordQueueOf(baseQueue: string): string {
  return `${baseQueue}/handover-records`;
}

/**
 * Hands over from the previous queues to the new one, with nothing the bot
 * still wants lost:
 *
 * 1. The new queue is bound already, so every message the bot wants that is
 *    published from now on reaches it. Whatever enters an old queue from now
 *    is either unwanted or also in the new queue.
 * 2. The old queues are the base name (pre-handover versions) and those in
 *    the records; the records are rewritten first (new queue + old queues
 *    still there), so a crash midway leaves them findable.
 * 3. Each old queue loses its known bindings (recorded ones and the current
 *    set), is consumed into the same stream (wanted messages are handled,
 *    unwanted ones dropped as `UnboundMessageError`), and is deleted once it
 *    is empty with no consumer: what could still arrive between the check
 *    and the delete is, by 1, unwanted or in the new queue too.
 *
 * Runs until done or `signal` aborts; failures are reported and retried.
 */
export async function runHandover(host: HandoverHost, context: HandoverContext): Promise<void> {
  try {
    const old = await retrying(host, context, () => rewriteRecords(context));
    for (const record of old ?? []) {
      if (context.signal.aborted) return;
      await retrying(host, context, () => handOver(host, context, record));
    }
  } catch (error) {
    host.report(error as Error);
  }
}

async function retrying<T>(host: HandoverHost, context: HandoverContext, step: () => Promise<T>): Promise<T | undefined> {
  for (let attempt = 1; !context.signal.aborted; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (context.signal.aborted || error instanceof ClientClosedError) return undefined;
      host.report(error as Error);
      await sleep(Math.min(1_000 * 2 ** attempt, 30_000), context.signal);
    }
  }
  return undefined;
}

/** Reads the records, writes the current set (new queue + old ones still there), then drops the read ones. Returns the old queues. */
async function rewriteRecords(context: HandoverContext): Promise<HandoverRecord[]> {
  const connection = await context.connection();
  const recordQueue = recordQueueOf(context.baseQueue);
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  try {
    const { messageCount } = await channel.assertQueue(recordQueue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    const read = messageCount > 0 ? await takeRecords(channel, recordQueue, messageCount) : [];
    const candidates = new Map<string, HandoverRecord>([[context.baseQueue, { queue: context.baseQueue }]]);
    for (const { record } of read) if (record) candidates.set(record.queue, { ...candidates.get(record.queue), ...record });
    candidates.delete(context.newQueue);
    const old: HandoverRecord[] = [];
    for (const record of candidates.values()) if (await queueExists(connection, record.queue)) old.push(record);
    for (const record of [{ queue: context.newQueue, bindings: context.bindings }, ...old]) {
      channel.publish('', recordQueue, Buffer.from(JSON.stringify(record)), { persistent: true, contentType: 'application/json' });
    }
    await channel.waitForConfirms();
    for (const { message } of read) channel.ack(message);
    return old;
  } finally {
    await closeQuietly(channel);
  }
}

/** The `count` records waiting in the record queue, unacknowledged until rewritten. */
async function takeRecords(channel: AmqpChannel, recordQueue: string, count: number): Promise<{ message: AmqpMessage; record: HandoverRecord | undefined }[]> {
  const taken: { message: AmqpMessage; record: HandoverRecord | undefined }[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const { consumerTag } = await channel.consume(recordQueue, (message) => {
    if (message === null) return done();
    taken.push({ message, record: parseRecord(message.content) });
    if (taken.length >= count) done();
  });
  // Another process may hold some of them: take what comes within the wait.
  await Promise.race([all, sleep(RECORD_READ_MS)]);
  await channel.cancel(consumerTag);
  return taken;
}

function parseRecord(content: Buffer): HandoverRecord | undefined {
  try {
    const value = JSON.parse(content.toString('utf8')) as Partial<HandoverRecord>;
    if (typeof value.queue !== 'string') return undefined;
    const bindings = Array.isArray(value.bindings)
      ? value.bindings.filter((b): b is DeclaredBinding => typeof b?.exchange === 'string' && typeof b.routingKeyPattern === 'string')
      : undefined;
    return { queue: value.queue, ...(bindings ? { bindings } : {}) };
  } catch {
    return undefined;
  }
}

/** Unbinds, drains and deletes one old queue. */
async function handOver(host: HandoverHost, context: HandoverContext, record: HandoverRecord): Promise<void> {
  const pollMs = context.pollMs ?? DEFAULT_POLL_MS;
  const { queue } = record;
  const known = [...(record.bindings ?? []), ...context.bindings];
  const connection = await context.connection();
  // One channel each: unbinding from an exchange that is gone fails (404) and closes its channel.
  for (const b of known) await onChannel(connection, (channel) => channel.unbindQueue(queue, b.exchange, b.routingKeyPattern)).catch(ignoreNotFound);
  host.handover?.({ from: queue, to: context.newQueue, state: 'draining' });
  while (!context.signal.aborted) {
    let refused: Error | undefined;
    const drainer = context.drain(queue, (error) => {
      refused = error;
    });
    try {
      while (!context.signal.aborted && !refused) {
        const depth = await depthOf(await context.connection(), queue);
        if (!depth) return; // deleted meanwhile: nothing left to hand over
        if (depth.messageCount === 0) break;
        await sleep(pollMs, context.signal);
      }
    } finally {
      await drainer.stop();
    }
    if (context.signal.aborted) return;
    const connection = await context.connection();
    const depth = await depthOf(connection, queue);
    if (!depth) return;
    // It exists but cannot be consumed (e.g. access refused): reported, retried with backoff.
    if (refused) throw refused;
    if (depth.messageCount === 0 && depth.consumerCount === 0) {
      await onChannel(connection, (channel) => channel.deleteQueue(queue));
      host.handover?.({ from: queue, to: context.newQueue, state: 'deleted' });
      return;
    }
    // Something arrived, or another consumer (an older version still running, or another process
    // handing over too) holds messages: go on draining, after a jittered pause so two such processes fall out of step.
    await sleep(pollMs * (1 + Math.random()), context.signal);
  }
}

async function queueExists(connection: AmqpConnection, queue: string): Promise<boolean> {
  return (await depthOf(connection, queue)) !== undefined;
}

/** The queue's depth, or undefined if it does not exist (checked on a channel of its own: a 404 closes it). */
async function depthOf(connection: AmqpConnection, queue: string): Promise<{ messageCount: number; consumerCount: number } | undefined> {
  try {
    return await onChannel(connection, (channel) => channel.checkQueue(queue));
  } catch (error) {
    return ignoreNotFound(error);
  }
}

function ignoreNotFound(error: unknown): undefined {
  if (amqpCode(error) === 404) return undefined;
  throw error;
}

async function onChannel<T>(connection: AmqpConnection, work: (channel: AmqpChannel) => Promise<T>): Promise<T> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    return await work(channel);
  } finally {
    await closeQuietly(channel);
  }
}
