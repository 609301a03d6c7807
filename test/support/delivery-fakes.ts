/**
 * Fakes for unit tests of the delivery path, where a broker adds nothing: an
 * amqplib channel that records acks and nacks (and can refuse them, as
 * amqplib does once a channel is closing), a `DeliveryChannel` that can end,
 * and deliveries.
 */
import { decodeRoutingKey } from '../../src/bindings/decode-routing-key.js';
import { QueueEvents } from '../../src/generated/exchanges/queue.js';
import type { AmqpChannel, AmqpMessage } from '../../src/pulse/amqp-api.js';
import { type DeliveryChannel, ReceivedMessage, type SettleResult } from '../../src/pulse/pulse-message.js';
import { routingKeyFor, taskFields } from './rabbit-fixtures.js';

/** The binding deliveries come from unless told otherwise: task-completed, any task. */
export const testBinding = new QueueEvents().taskCompleted();
/** The routing key of a completed run of task `task-1`. */
export const TEST_ROUTING_KEY = routingKeyFor(testBinding, taskFields('task-1'));

/** A delivery with this tag from {@link testBinding}'s exchange; `content` defaults to a body naming the tag. */
export function rawDelivery(
  deliveryTag: number,
  options: { readonly redelivered?: boolean; readonly content?: Buffer; readonly exchange?: string; readonly routingKey?: string; readonly headers?: Record<string, unknown> } = {},
): AmqpMessage {
  return {
    content: options.content ?? Buffer.from(`{"tag":${deliveryTag}}`),
    fields: { deliveryTag, redelivered: options.redelivered ?? false, exchange: options.exchange ?? testBinding.exchange, routingKey: options.routingKey ?? TEST_ROUTING_KEY },
    properties: options.headers ? { headers: options.headers } : {},
  };
}

/** The `ack`/`nack` of an amqplib channel, recorded as `ack 3`, `ack 5 multiple`, `nack 4 requeue`, `nack 4 reject`. */
export class RecordingChannel {
  readonly sent: string[] = [];
  /** Operations that throw, as amqplib's do once the channel is closing. */
  readonly refusing = new Set<'ack' | 'ack multiple' | 'nack'>();

  ack(message: AmqpMessage, allUpTo = false): void {
    this.#send(allUpTo ? 'ack multiple' : 'ack', `ack ${message.fields.deliveryTag}${allUpTo ? ' multiple' : ''}`);
  }

  nack(message: AmqpMessage, allUpTo = false, requeue = true): void {
    if (allUpTo) throw new Error('the code under test never nacks with multiple');
    this.#send('nack', `nack ${message.fields.deliveryTag} ${requeue ? 'requeue' : 'reject'}`);
  }

  /** As the channel type the code under test takes; only ack and nack are ever called. */
  get asChannel(): AmqpChannel {
    return this as unknown as AmqpChannel;
  }

  #send(operation: 'ack' | 'ack multiple' | 'nack', record: string): void {
    if (this.refusing.has(operation)) throw new Error('Channel closed');
    this.sent.push(record);
  }
}

/**
 * A message's channel: records what is settled on it (`ack 1`, `nack 1
 * requeue`, `nack 1 reject`) while alive; `end()` makes it gone, as when
 * its connection drops.
 */
export class FakeDeliveryChannel implements DeliveryChannel {
  readonly settled: string[] = [];
  /** Alive, yet refusing to settle, as a channel that is closing does (amqplib throws; the close event is still to come). */
  closing = false;
  #alive = true;
  #end!: () => void;
  readonly ended = new Promise<void>((resolve) => (this.#end = resolve));

  constructor(readonly brokerCountsDeliveries = false) {}

  get alive(): boolean {
    return this.#alive;
  }

  end(): void {
    this.#alive = false;
    this.#end();
  }

  settle(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean): SettleResult {
    if (!this.#alive || this.closing) return 'channel-closed';
    this.settled.push(`${operation} ${raw.fields.deliveryTag}${operation === 'nack' ? (requeue ? ' requeue' : ' reject') : ''}`);
    return 'sent';
  }
}

/**
 * A decoded message on `channel` with a body naming its tag (or `content`).
 * `deliveryCount` as the decoder gives it: 1 for a first delivery, the
 * broker's count on a quorum queue's redelivery, or `'unknown'` (undefined)
 * for a classic queue's redelivery.
 */
export function receivedMessage(channel: DeliveryChannel, deliveryTag: number, deliveryCount: number | 'unknown' = 1, content?: Buffer): ReceivedMessage {
  const raw = rawDelivery(deliveryTag, { redelivered: deliveryCount !== 1, ...(content ? { content } : {}) });
  const count = deliveryCount === 'unknown' ? undefined : deliveryCount;
  return new ReceivedMessage(raw, testBinding, decodeRoutingKey(testBinding, TEST_ROUTING_KEY), [], JSON.parse(raw.content.toString()), 'queue/test/q', count, channel);
}
