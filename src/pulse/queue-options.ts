import { randomBytes } from 'node:crypto';
import type { AmqpAssertQueueOptions } from './amqp-api.js';
import { PulseConfigError } from './client-options.js';
import type { DecodeOptions } from './decode-options.js';
import type { RetryRoute } from './retry-queue.js';
import { resolveStaleBindings, type StaleBindingsOptions, type StaleBindingsPlan } from './stale-bindings/options.js';

/** What happens when a queue with `maxLength` is full. */
export type QueueOverflow = 'drop-head' | 'reject-publish';

/** The queue a listener reads from, and how its messages are decoded (`validate`, `schemas`). */
export interface QueueOptions extends DecodeOptions, StaleBindingsOptions {
  /**
   * Durable queue `queue/<namespace>/<queueName>`: survives restarts of the bot
   * and of the broker, and is shared by every process using the same name.
   * Without it: an exclusive, auto-delete queue with a fresh name per
   * connection; messages published while disconnected are lost.
   */
  readonly queueName?: string;
  /** Named queues only. Default `quorum` (replicated; exact delivery counts). */
  readonly queueType?: 'classic' | 'quorum';
  /** Unacknowledged messages in flight per consumer. Default 64. */
  readonly prefetch?: number;
  /**
   * Bound on queued messages, so a burst cannot grow the queue past what the
   * Pulse guardian tolerates (it deletes queues above about 8,000). Needs `overflow`.
   */
  readonly maxLength?: number;
  /**
   * `drop-head` discards the oldest messages (you lose them, the publisher is
   * unaffected); `reject-publish` refuses new ones (the publisher gets a nack;
   * on Pulse that is a Taskcluster service). Required with `maxLength`.
   */
  readonly overflow?: QueueOverflow;
  /**
   * Where rejected messages go (malformed ones, and those over the delivery
   * limit of `consume()`): the exchange `exchange/<namespace>/<exchange>`,
   * declared as a durable topic exchange, and optionally the durable queue
   * `queue/<namespace>/<queue>` bound to it with `#`. Without it they are dropped.
   */
  readonly deadLetter?: { readonly exchange: string; readonly queue?: string };
  /**
   * Named queues only: the broker deletes the queue, with its messages, once
   * it has had no consumer for this many milliseconds (RabbitMQ's queue TTL,
   * `x-expires`), so a retired bot's queue does not grow until the guardian
   * deletes it. Longer than any downtime you want to survive: messages
   * published after it is gone are lost. An integer 1 to 4294967295.
   */
  readonly expires?: number;
}

/** A queue declaration resolved against a namespace, ready to assert on any connection. */
export interface QueueDeclaration {
  readonly durable: boolean;
  /** Delete the queue when its subscription ends (ephemeral queues). */
  readonly deleteOnStop: boolean;
  readonly prefetch: number;
  readonly assertOptions: AmqpAssertQueueOptions;
  readonly deadLetterExchange: string | undefined;
  readonly deadLetterQueue: string | undefined;
  /** A quorum queue: the broker counts deliveries in `x-delivery-count`, so that header can be trusted on redeliveries. */
  readonly brokerCountsDeliveries: boolean;
  /** `consume()` with `retryQueues`: its retry exchange and queues, declared with the queue. */
  readonly retryRoute?: RetryRoute;
  /** Bindings left by earlier versions: removed (`remove`) or handed over (`handover`); undefined keeps them. */
  readonly staleBindings?: StaleBindingsPlan;
  /** Consume an existing queue as it is (checked, not declared): an old queue being handed over. */
  readonly existingOnly?: boolean;
  /** The queue's name: fixed for a named queue, a fresh one on every call for an ephemeral queue (one per connection). */
  nameFor(): string;
}

const SHORT_NAME = /^[A-Za-z0-9_.:\-/]+$/;
export const DEFAULT_PREFETCH = 64;

export function resolveQueueOptions(namespace: string, options: QueueOptions): QueueDeclaration {
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65535) {
    throw new PulseConfigError('prefetch', `must be an integer 1-65535, got ${String(prefetch)}`);
  }
  const args: Record<string, unknown> = {};
  if (options.maxLength !== undefined) {
    if (!Number.isInteger(options.maxLength) || options.maxLength < 1) {
      throw new PulseConfigError('maxLength', `must be a positive integer, got ${String(options.maxLength)}`);
    }
    if (options.overflow === undefined) {
      throw new PulseConfigError('overflow', 'is required with maxLength: "drop-head" (lose the oldest) or "reject-publish" (push back on the publisher)');
    }
    args['x-max-length'] = options.maxLength;
  }
  if (options.overflow !== undefined) {
    if (options.overflow !== 'drop-head' && options.overflow !== 'reject-publish') {
      throw new PulseConfigError('overflow', `must be "drop-head" or "reject-publish", got "${String(options.overflow)}"`);
    }
    if (options.maxLength === undefined) throw new PulseConfigError('overflow', 'only applies with maxLength');
    args['x-overflow'] = options.overflow;
  }
  let deadLetterExchange: string | undefined;
  let deadLetterQueue: string | undefined;
  if (options.deadLetter !== undefined) {
    deadLetterExchange = `exchange/${namespace}/${checkShortName('deadLetter.exchange', options.deadLetter.exchange, 'exchange/')}`;
    if (options.deadLetter.queue !== undefined) {
      deadLetterQueue = `queue/${namespace}/${checkShortName('deadLetter.queue', options.deadLetter.queue, 'queue/')}`;
    }
    args['x-dead-letter-exchange'] = deadLetterExchange;
  }

  if (options.queueName === undefined) {
    resolveStaleBindings(options, undefined);
    if (options.expires !== undefined) {
      throw new PulseConfigError('expires', 'only applies to named queues (give queueName): an unnamed queue is deleted with its connection anyway');
    }
    if (options.queueType === 'quorum') {
      throw new PulseConfigError('queueType', 'quorum queues must be named: give queueName (an unnamed queue is exclusive, which quorum queues cannot be)');
    }
    // Exclusive: gone with the connection. Not auto-delete: that would also
    // delete it, with its messages, when a channel error ends the consumer;
    // the subscription deletes it when it ends instead.
    return {
      durable: false,
      deleteOnStop: true,
      prefetch,
      assertOptions: { durable: false, exclusive: true, autoDelete: false, arguments: args },
      deadLetterExchange,
      deadLetterQueue,
      brokerCountsDeliveries: false,
      nameFor: () => `queue/${namespace}/ephemeral-${randomBytes(8).toString('hex')}`,
    };
  }
  if (options.expires !== undefined) args['x-expires'] = checkExpires(options.expires);
  const name = `queue/${namespace}/${checkShortName('queueName', options.queueName, 'queue/')}`;
  if (Buffer.byteLength(name) > 255) throw new PulseConfigError('queueName', `makes a queue name of ${Buffer.byteLength(name)} bytes; the limit is 255`);
  const queueType = options.queueType ?? 'quorum';
  if (queueType !== 'classic' && queueType !== 'quorum') {
    throw new PulseConfigError('queueType', `must be "classic" or "quorum", got "${String(queueType)}"`);
  }
  args['x-queue-type'] = queueType;
  const staleBindings = resolveStaleBindings(options, name);
  return {
    durable: true,
    deleteOnStop: false,
    prefetch,
    assertOptions: { durable: true, exclusive: false, autoDelete: false, arguments: args },
    deadLetterExchange,
    deadLetterQueue,
    brokerCountsDeliveries: queueType === 'quorum',
    ...(staleBindings ? { staleBindings } : {}),
    nameFor: () => name,
  };
}

/** RabbitMQ refuses 0 and anything above 2^32 - 1 ms (about 49.7 days). */
const MAX_EXPIRES_MS = 4_294_967_295;

function checkExpires(expires: unknown): number {
  if (typeof expires !== 'number' || !Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_MS) {
    throw new PulseConfigError('expires', `must be an integer number of milliseconds 1-${MAX_EXPIRES_MS} (about 49.7 days), got ${String(expires)}`);
  }
  return expires;
}

function checkShortName(field: string, value: unknown, fullPrefix: string): string {
  if (typeof value !== 'string' || !SHORT_NAME.test(value)) {
    throw new PulseConfigError(field, `must be letters, digits and _ . : - /, got ${JSON.stringify(value)}`);
  }
  if (value.startsWith(fullPrefix)) {
    throw new PulseConfigError(field, `give the short name; "${fullPrefix}<namespace>/" is added for you, got "${value}"`);
  }
  return value;
}
