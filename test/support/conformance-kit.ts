/**
 * Helpers for the AMQP conformance suite: the same scenario code runs against
 * the real RabbitMQ and against the memory broker, through amqplib's promise
 * API, so it may only use what both provide.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';

/** A broker to run the suite against. */
export interface ConformanceTarget {
  readonly name: string;
  /** Opens a connection; `connectionName` lets the broker side find it again. */
  connect(connectionName?: string): Promise<ChannelModel>;
  /** Closes a connection from the broker side, as `rabbitmqctl close_connection` does. */
  forceClose(connection: ChannelModel, connectionName: string, reason: string): Promise<void>;
}

/** How long any single wait may take before the scenario fails (not a timing assertion). */
export const WAIT_MS = 5_000;

/** A name unique to this run; other suites share the real broker. */
export function unique(what: string): string {
  return `conformance-${what}-${randomBytes(5).toString('hex')}`;
}

/** Waits for a condition to become true, failing with `what` after {@link WAIT_MS}. */
export async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Resolves with the arguments of the next `event`, failing after {@link WAIT_MS}. */
export function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for '${event}'`)), WAIT_MS);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

/** Records a channel's 'error' and 'close' events in order. */
export function watch(emitter: EventEmitter): { events: string[]; errors: Error[]; closed: Promise<void> } {
  const events: string[] = [];
  const errors: Error[] = [];
  emitter.on('error', (error: Error & { code?: number }) => {
    events.push(`error ${error.code ?? ''}`.trim());
    errors.push(error);
  });
  const closed = new Promise<void>((resolve) =>
    emitter.on('close', () => {
      events.push('close');
      resolve();
    }),
  );
  return { events, errors, closed };
}

/** Collects a consumer's deliveries; `null` (server cancel) is counted apart. */
export class Inbox {
  readonly messages: ConsumeMessage[] = [];
  cancelled = 0;

  readonly push = (message: ConsumeMessage | null): void => {
    if (message === null) this.cancelled += 1;
    else this.messages.push(message);
  };

  /** The bodies received so far, as text. */
  get bodies(): string[] {
    return this.messages.map((m) => m.content.toString());
  }

  async waitFor(count: number): Promise<ConsumeMessage[]> {
    await until(`${count} deliveries (have ${this.messages.length})`, () => this.messages.length >= count);
    return this.messages.slice(0, count);
  }

  /**
   * Everything this consumer will get from what reached its queue up to now:
   * sends an end marker through the default exchange on `channel` (one
   * channel's publishes reach a queue in order) and waits for it. Returns the
   * bodies received before the marker; the marker itself is not kept.
   */
  async settle(channel: Channel, queue: string): Promise<string[]> {
    const marker = `end-${randomBytes(4).toString('hex')}`;
    channel.sendToQueue(queue, Buffer.from(marker));
    await until(`the end marker in ${queue}`, () => this.bodies.includes(marker));
    const index = this.bodies.indexOf(marker);
    this.messages.splice(index, 1);
    return this.bodies.slice(0, index);
  }
}

/**
 * Everything that reached a queue (with no other consumer) up to now, see
 * {@link Inbox.settle}. Leaves the queue empty.
 */
export async function drain(channel: Channel, queue: string): Promise<string[]> {
  const inbox = new Inbox();
  const { consumerTag } = await channel.consume(queue, inbox.push, { noAck: true });
  const bodies = await inbox.settle(channel, queue);
  await channel.cancel(consumerTag);
  return bodies;
}

/**
 * A fresh connection and a channel with publisher confirms, both tolerating
 * errors (the scenarios check them explicitly).
 */
export async function open(target: ConformanceTarget): Promise<{ connection: ChannelModel; channel: ConfirmChannel }> {
  const connection = await target.connect();
  connection.on('error', () => undefined);
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  return { connection, channel };
}

/** Closes a connection, whatever state it is in. */
export async function closeQuietly(connection: ChannelModel): Promise<void> {
  await connection.close().catch(() => undefined);
}

/** The server-side error an operation failed with: its AMQP reply code and message. */
export async function serverError(operation: Promise<unknown>): Promise<Error & { code: number }> {
  try {
    await operation;
  } catch (error) {
    assert.ok(error instanceof Error, 'rejects with an Error');
    return error as Error & { code: number };
  }
  return assert.fail('expected the operation to be refused by the server');
}
