import { randomUUID } from 'node:crypto';
import type { AmqpChannel, AmqpConfirmChannel, AmqpMessage } from './amqp-api.js';
import { closeQuietly } from './close-quietly.js';
import { PulseConfigError } from './client-options.js';
import type { ReceivedMessage } from './pulse-message.js';

/** Headers a retry copy carries: where the message was first published, so the handler sees it unchanged. */
const ORIGINAL_EXCHANGE = 'x-tc-pulse-exchange';
const ORIGINAL_ROUTING_KEY = 'x-tc-pulse-routing-key';
const ORIGINAL_CC = 'x-tc-pulse-cc';
/** Marks one publish, to recognise it if the broker returns it unroutable. */
const COPY_ID = 'x-tc-pulse-retry-id';
const OUR_HEADERS = new Set([ORIGINAL_EXCHANGE, ORIGINAL_ROUTING_KEY, ORIGINAL_CC, COPY_ID]);
/**
 * Headers the broker writes (dead-lettering, quorum delivery counts): never
 * copied from a message as published, so the only `x-death` entries a retry
 * copy comes back with are the broker's own (a restored message's are
 * carried on to its next copy, for the broker to count on).
 */
const BROKER_HEADERS = /^(x-death|x-first-death-.*|x-last-death-.*|x-delivery-count|x-received-from)$/;
/** The routing key expired copies come back to the main queue with. */
const DUE_KEY = 'due';

/** A delivery that came back through the retry queues, as first published. */
export interface RestoredDelivery {
  /** The delivery with its original exchange, routing key and headers (CC restored, retry headers removed); same delivery tag. */
  readonly raw: AmqpMessage;
  /** Trips through this queue's retry queues, as the broker counted them (`x-death`, reason `expired`). */
  readonly retries: number;
}

/**
 * The retry-queue topology of one named queue `queue/<ns>/<name>`, all within
 * Pulse's permissions (a user may only configure and write
 * `queue/<user>/...` and `exchange/<user>/...`, not the default exchange):
 *
 * - a durable direct exchange `exchange/<ns>/<name>/retry`;
 * - per distinct delay *d* a durable classic queue
 *   `queue/<ns>/<name>/retry/<d>` with `x-message-ttl` *d*, bound with
 *   `wait.<d>`, dead-lettering expired messages back to that exchange with the
 *   routing key `due`. One queue per delay, because a message TTL only
 *   expires at the head of its queue: same-delay messages expire in order;
 * - the main queue bound to that exchange with `due`.
 *
 * A failed delivery is published (confirmed) to the queue of its delay as a
 * copy, then acked: the wait holds neither a concurrency slot nor prefetch.
 */
export class RetryRoute {
  readonly exchange: string;
  readonly #delays: readonly number[];
  /** The broker's `x-death` of each restored delivery (hidden from the handler), for its next retry copy. */
  readonly #deaths = new WeakMap<AmqpMessage, unknown>();

  /** `delays[n - 1]`: the wait after delivery `n` fails (the last one for any later delivery). */
  constructor(
    readonly queue: string,
    delays: readonly number[],
  ) {
    this.exchange = `exchange/${queue.slice('queue/'.length)}/retry`;
    this.#delays = delays.map((delay) => Math.round(delay));
    const longest = this.queueFor(Math.max(...this.#delays));
    for (const name of [this.exchange, longest]) {
      if (Buffer.byteLength(name) > 255) throw new PulseConfigError('retryQueues', `makes the name "${name}" longer than 255 bytes; use a shorter queueName`);
    }
  }

  /** The main queue's binding to its retry exchange: declared, so stale-binding removal keeps it. */
  get returnBinding(): { readonly exchange: string; readonly routingKeyPattern: string } {
    return { exchange: this.exchange, routingKeyPattern: DUE_KEY };
  }

  /** The distinct delays, each with its queue. */
  get levels(): readonly number[] {
    return [...new Set(this.#delays)].sort((a, b) => a - b);
  }

  queueFor(delayMs: number): string {
    return `${this.queue}/retry/${delayMs}`;
  }

  delayAfter(deliveryCount: number): number {
    return this.#delays[Math.min(Math.max(deliveryCount, 1), this.#delays.length) - 1]!;
  }

  /** Declares the exchange, the retry queues and the bindings; after the main queue. Idempotent. */
  async declare(channel: AmqpChannel, step: <T>(name: string, operation: () => Promise<T>) => Promise<T>): Promise<void> {
    await step('declaring the retry exchange', () => channel.assertExchange(this.exchange, 'direct', { durable: true }));
    for (const delay of this.levels) {
      const queue = this.queueFor(delay);
      await step(`declaring the retry queue ${queue}`, () =>
        channel.assertQueue(queue, {
          durable: true,
          exclusive: false,
          autoDelete: false,
          arguments: { 'x-queue-type': 'classic', 'x-message-ttl': delay, 'x-dead-letter-exchange': this.exchange, 'x-dead-letter-routing-key': DUE_KEY },
        }),
      );
      await step(`binding the retry queue ${queue}`, () => channel.bindQueue(queue, this.exchange, `wait.${delay}`));
    }
    await step('binding the queue to its retry exchange', () => channel.bindQueue(this.queue, this.exchange, DUE_KEY));
  }

  /**
   * The original delivery of a message that came back from a retry queue, or
   * undefined for any other delivery. Only messages routed by this queue's
   * retry exchange with `due` qualify: on Pulse only the queue's owner can
   * publish there, so the headers of a message published to a Taskcluster
   * exchange are never taken as a restored origin or as a retry count.
   */
  restore(raw: AmqpMessage): RestoredDelivery | undefined {
    const { exchange, routingKey } = raw.fields;
    const headers = raw.properties.headers;
    if (exchange !== this.exchange || routingKey !== DUE_KEY || !headers) return undefined;
    const originalExchange = headers[ORIGINAL_EXCHANGE];
    const originalKey = headers[ORIGINAL_ROUTING_KEY];
    if (typeof originalExchange !== 'string' || typeof originalKey !== 'string') return undefined;
    const restored: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(headers)) if (!OUR_HEADERS.has(name) && !BROKER_HEADERS.test(name) && name !== 'CC') restored[name] = value;
    const cc = headers[ORIGINAL_CC];
    if (Array.isArray(cc) && cc.length > 0) restored['CC'] = cc.map(String);
    const original: AmqpMessage = { content: raw.content, fields: { ...raw.fields, exchange: originalExchange, routingKey: originalKey }, properties: { ...raw.properties, headers: restored } };
    this.#deaths.set(original, headers['x-death']);
    return { raw: original, retries: this.#retriesIn(headers['x-death']) };
  }

  /** Sums the broker's `expired` entries for this queue's retry and holding queues; a copy is published without any `x-death`, so these are the broker's. */
  #retriesIn(deaths: unknown): number {
    if (!Array.isArray(deaths)) return 0;
    let retries = 0;
    for (const death of deaths as Array<Record<string, unknown> | null>) {
      const queue = death?.['queue'];
      const count = Number(death?.['count']);
      // A copy back from a holding queue (its process died mid-run) counts as a failed delivery too.
      const ours = typeof queue === 'string' && (queue.startsWith(`${this.queue}/retry/`) || queue.startsWith(`${this.queue}/held/`));
      if (death?.['reason'] === 'expired' && ours && Number.isSafeInteger(count) && count > 0) retries += count;
    }
    return retries;
  }

  /** What to publish for a failed message: its body and properties, its origin in headers (CC too: CC would route a copy elsewhere). */
  copyOf(message: ReceivedMessage): { readonly content: Buffer; readonly options: Record<string, unknown>; readonly id: string } {
    const { properties } = message.raw;
    const headers: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(properties.headers ?? {})) if (!BROKER_HEADERS.test(name) && name !== 'CC' && !OUR_HEADERS.has(name)) headers[name] = value;
    const cc = properties.headers?.['CC'];
    const id = randomUUID();
    headers[ORIGINAL_EXCHANGE] = message.exchange;
    headers[ORIGINAL_ROUTING_KEY] = message.routingKey;
    if (Array.isArray(cc)) headers[ORIGINAL_CC] = cc;
    headers[COPY_ID] = id;
    // Back from a retry queue before: the broker's count goes on (it adds to the entry of the same queue).
    const deaths = this.#deaths.get(message.raw);
    if (deaths !== undefined) headers['x-death'] = deaths;
    // Not carried: `userId` (the broker refuses one that is not ours, closing the channel) and `expiration` (it would cut the wait short).
    const { headers: _, userId: _user, expiration: _expiration, ...rest } = properties as Record<string, unknown>;
    const options = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined && value !== null));
    return { content: message.raw.content, options: { ...options, headers, persistent: true, mandatory: true }, id };
  }
}

/** How long a retry copy may take to be confirmed before the message is retried in place instead. */
const CONFIRM_TIMEOUT_MS = 10_000;

/**
 * Publishes retry copies on a confirm channel of its own (one per consumer
 * channel). `publish` resolves once the broker has the copy in its retry queue,
 * and rejects if it was nacked, returned unroutable (the retry queue was
 * deleted), the channel closed, or no confirm came within 10 s.
 */
export class RetryPublisher {
  readonly #returned = new Set<string>();

  constructor(
    private readonly channel: AmqpConfirmChannel,
    private readonly route: RetryRoute,
  ) {
    channel.on('return', (returned) => {
      const id = returned.properties.headers?.[COPY_ID];
      if (typeof id === 'string') this.#returned.add(id);
    });
  }

  publish(message: ReceivedMessage, delayMs: number): Promise<void> {
    return this.publishCopy(message, this.route.exchange, `wait.${delayMs}`, this.route.queueFor(delayMs));
  }

  /** Publishes a copy of `message` (see {@link RetryRoute.copyOf}) to `exchange`; `destination` names where it should land, for errors. */
  publishCopy(message: ReceivedMessage, exchange: string, routingKey: string, destination: string): Promise<void> {
    const { content, options, id } = this.route.copyOf(message);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no confirm within ${CONFIRM_TIMEOUT_MS} ms`)), CONFIRM_TIMEOUT_MS);
      try {
        this.channel.publish(exchange, routingKey, content, options, (error) => {
          clearTimeout(timer);
          // A basic.return comes before the confirm of the same message.
          if (this.#returned.delete(id)) reject(new Error(`unroutable: ${destination} is missing`));
          else if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve();
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error as Error);
      }
    });
  }

  /** The confirm channel, for the holding queues' declarations (they live and die with the same channel). */
  get queues(): Pick<AmqpChannel, 'assertQueue' | 'bindQueue' | 'deleteQueue'> {
    return this.channel;
  }

  close(): void {
    void closeQuietly(this.channel);
  }
}
