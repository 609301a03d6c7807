import { inspect, type InspectOptionsStylized } from 'node:util';
import type { Binding, FieldsOf, PayloadOf, RoutingKeyFields } from '../bindings/types.js';
import type { AmqpChannel, AmqpMessage } from './amqp-api.js';
import type { DeliveryInfo } from './pulse-errors.js';

/**
 * What `ack()`/`nack()` did: `sent` (handed to its channel; acks of one turn
 * of the event loop go out together), `already-settled` (nothing sent), or
 * `channel-closed` (nothing sent; the broker redelivers the message).
 */
export type SettleResult = 'sent' | 'already-settled' | 'channel-closed';

/** How a message was settled, by whom it may concern (e.g. `consume()` telling what a handler did). */
export interface Settlement {
  readonly operation: 'ack' | 'nack';
  /** For a nack: back to the queue, or rejected (dead-lettered or dropped). */
  readonly requeue: boolean;
  readonly result: SettleResult;
}

/** One received Pulse message, decoded. */
export interface PulseMessage<Payload = unknown, Fields extends RoutingKeyFields = RoutingKeyFields> {
  /** Full exchange name, e.g. `exchange/taskcluster-queue/v1/task-completed`. */
  readonly exchange: string;
  /** The message's primary routing key as published. */
  readonly routingKey: string;
  /** The routing key decoded by the exchange's reference, e.g. `fields.taskId`. */
  readonly fields: Fields;
  /** Task routes: the CC entries starting with `route.`, without that prefix. */
  readonly routes: readonly string[];
  /** The body, parsed JSON, typed by the exchange's message schema. */
  readonly payload: Payload;
  /** The broker delivered it before (to this or another consumer). */
  readonly redelivered: boolean;
  /**
   * Which delivery this is, counting from 1: 1 on a first delivery; on a
   * redelivery the broker's count on quorum queues, undefined on classic ones.
   * Never taken from a header a publisher set.
   */
  readonly deliveryCount: number | undefined;
  /** The binding whose exchange this came from. */
  readonly binding: Binding<Payload, Fields>;
  /** The queue it was consumed from. */
  readonly queue: string;
  /** Whether `ack()` or `nack()` has been called. */
  readonly settled: boolean;
  /** Its channel has closed: it can no longer be settled, and the broker will redeliver it. */
  readonly stale: boolean;
  /**
   * Acknowledge: the broker forgets the message. Idempotent; after the
   * channel closed, a reported no-op (the broker redelivers it). Never throws.
   */
  ack(): SettleResult;
  /** Reject: requeue (default) or, with `{requeue: false}`, dead-letter/drop it. Same safety as `ack()`. */
  nack(options?: { readonly requeue?: boolean }): SettleResult;
  /**
   * Whether the message came from `binding`'s exchange; narrows its payload and
   * fields to that binding's types. (Several Taskcluster exchanges share one
   * payload shape, so the types alone cannot tell them apart; the brand keeps
   * the other branch from narrowing to `never`.)
   */
  is<B extends Binding>(binding: B): this is PulseMessage<PayloadOf<B>, FieldsOf<B>> & NarrowedTo<B>;
  /** What to log (`JSON.stringify(message)`; `util.inspect` shows the same): no channel, no raw body. */
  toJSON(): PulseMessageJson<Payload, Fields>;
}

/** A received message as JSON: the delivery and its decoded content (`deliveryCount` left out when unknown). */
export type PulseMessageJson<Payload = unknown, Fields extends RoutingKeyFields = RoutingKeyFields> = Pick<
  PulseMessage<Payload, Fields>,
  'exchange' | 'routingKey' | 'fields' | 'routes' | 'payload' | 'redelivered' | 'deliveryCount' | 'queue' | 'settled'
>;

declare const narrowedTo: unique symbol;
/** Type-level only: marks a message narrowed by `is()`; never present at run time. */
export interface NarrowedTo<B> {
  readonly [narrowedTo]: B;
}

/** The message type for one binding or a union of bindings (a union of messages, one per binding). */
export type MessageOf<B> = B extends Binding ? PulseMessage<PayloadOf<B>, FieldsOf<B>> : never;

/** One binding or a list of bindings. */
export type Bindings = Binding | readonly Binding[];

/** The binding type(s) in a `Bindings` argument. */
export type BindingIn<I> = I extends readonly (infer B)[] ? B : I;

/** The channel a message came from; sends its ack/nack only while that channel lives. */
export interface DeliveryChannel {
  /** False once the channel is gone: its deliveries can no longer be settled. */
  readonly alive: boolean;
  /** Settles when the channel is gone; the broker then redelivers what it had not settled. */
  readonly ended: Promise<unknown>;
  /**
   * The broker itself counts this queue's deliveries in `x-delivery-count`
   * (quorum queues); elsewhere that header is whatever a publisher put there.
   */
  readonly brokerCountsDeliveries: boolean;
  /** With `retryQueues`: publishes a failed message's retry copy (confirmed), and holds long runs' messages; absent otherwise. */
  readonly retryPublisher?: CopyPublisher | undefined;
  settle(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean, message: ReceivedMessage): SettleResult;
}

/** Decodes a routing key into fields; given instead of the fields, they are decoded when first read. */
export type FieldsDecoder<Fields extends RoutingKeyFields = RoutingKeyFields> = (routingKey: string) => Fields;

/** Confirmed copies of a message, on a channel beside its consumer's (`retryQueues`). */
export interface CopyPublisher {
  /** To the retry queue of `delayMs`. */
  publish(message: ReceivedMessage, delayMs: number): Promise<void>;
  /** To any exchange; `destination` names where it should land, for errors. */
  publishCopy(message: ReceivedMessage, exchange: string, routingKey: string, destination: string): Promise<void>;
  /** Declares and deletes holding queues. */
  readonly queues: Pick<AmqpChannel, 'assertQueue' | 'bindQueue' | 'deleteQueue'>;
}

export class ReceivedMessage<Payload = unknown, Fields extends RoutingKeyFields = RoutingKeyFields> implements PulseMessage<Payload, Fields> {
  #settlement: Settlement | undefined;
  #fields: Fields | FieldsDecoder<Fields>;

  constructor(
    readonly raw: AmqpMessage,
    readonly binding: Binding<Payload, Fields>,
    /** The fields, or (from the decoder, which has checked that the key decodes) how to decode them on first access: many handlers never read them. */
    fields: Fields | FieldsDecoder<Fields>,
    readonly routes: readonly string[],
    readonly payload: Payload,
    readonly queue: string,
    readonly deliveryCount: number | undefined,
    readonly channel: DeliveryChannel,
  ) {
    this.#fields = fields;
  }

  get fields(): Fields {
    if (typeof this.#fields === 'function') this.#fields = this.#fields(this.routingKey);
    return this.#fields;
  }

  get exchange(): string {
    return this.raw.fields.exchange;
  }

  get routingKey(): string {
    return this.raw.fields.routingKey;
  }

  get redelivered(): boolean {
    return this.raw.fields.redelivered;
  }

  get settled(): boolean {
    return this.#settlement !== undefined;
  }

  /** How it was settled (the first `ack()`/`nack()`), or undefined. */
  get settlement(): Settlement | undefined {
    return this.#settlement;
  }

  /** Its channel is gone: settling it is impossible, the broker redelivers it. */
  get stale(): boolean {
    return !this.channel.alive;
  }

  get delivery(): DeliveryInfo {
    return { queue: this.queue, exchange: this.exchange, routingKey: this.routingKey, redelivered: this.redelivered };
  }

  ack(): SettleResult {
    return this.#settle('ack', false);
  }

  nack(options: { readonly requeue?: boolean } = {}): SettleResult {
    return this.#settle('nack', options.requeue ?? true);
  }

  is<B extends Binding>(binding: B): this is PulseMessage<PayloadOf<B>, FieldsOf<B>> & NarrowedTo<B> {
    return binding.exchange === this.exchange;
  }

  toJSON(): PulseMessageJson<Payload, Fields> {
    const { exchange, routingKey, fields, routes, payload, redelivered, deliveryCount, queue, settled } = this;
    return { exchange, routingKey, fields, routes, payload, redelivered, deliveryCount, queue, settled };
  }

  /** `util.inspect` (console.log) shows the JSON form, not the channel and the raw delivery. */
  [inspect.custom](depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    const name = options.stylize('PulseMessage', 'special');
    if (depth < 0) return `[${name}]`;
    return `${name} ${show(this.toJSON(), { ...options, depth: options.depth === null ? null : depth - 1 })}`;
  }

  #settle(operation: 'ack' | 'nack', requeue: boolean): SettleResult {
    if (this.#settlement) return 'already-settled';
    // Recorded before sending: settling reports errors, and a listener settling again must see it settled.
    const settlement: { -readonly [K in keyof Settlement]: Settlement[K] } = { operation, requeue, result: 'sent' };
    this.#settlement = settlement;
    settlement.result = this.channel.settle(this.raw, operation, requeue, this);
    return settlement.result;
  }
}
