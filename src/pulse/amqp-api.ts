/**
 * The part of amqplib's promise API that taskcluster-pulse uses, as structural
 * interfaces. amqplib's `ChannelModel` satisfies `AmqpConnection` as is; the
 * embedded memory broker implements the same subset, so a `PulseClient` runs on
 * either. Nothing outside this file may be called on a connection or channel.
 *
 * Stable seam: change only by adding optional members.
 */

/** Socket options handed to a connector; amqplib takes them as its second argument. */
export interface AmqpSocketOptions {
  /** Disable Nagle's algorithm: small frames (acks, deliveries) go out at once. */
  readonly noDelay?: boolean;
  /** Connect timeout in milliseconds. */
  readonly timeout?: number;
  readonly keepAlive?: boolean;
  /** Sent to the broker; `connection_name` shows up in `rabbitmqctl list_connections`. */
  readonly clientProperties?: Readonly<Record<string, unknown>>;
  /** Aborting it destroys the socket of an attempt still in progress (amqplib hands it to `net.connect`). */
  readonly signal?: AbortSignal;
}

/** Delivery metadata of a received message. */
export interface AmqpMessageFields {
  readonly deliveryTag: number;
  readonly redelivered: boolean;
  readonly exchange: string;
  readonly routingKey: string;
  readonly consumerTag?: string;
}

/** The message properties we read; others may be present. */
export interface AmqpMessageProperties {
  readonly contentType?: string | undefined;
  readonly contentEncoding?: string | undefined;
  /**
   * Headers: `CC` (extra routing keys, an array of strings), `x-delivery-count`
   * (quorum queues: earlier deliveries of this message), `x-death`.
   */
  readonly headers?: Readonly<Record<string, unknown>> | undefined;
  readonly deliveryMode?: number | undefined;
  readonly messageId?: string | undefined;
  readonly timestamp?: number | undefined;
}

/** A received message, as passed to a consumer callback. */
export interface AmqpMessage {
  readonly content: Buffer;
  readonly fields: AmqpMessageFields;
  readonly properties: AmqpMessageProperties;
}

/**
 * Queue declaration options. We only set `durable`, `exclusive`, `autoDelete`
 * and `arguments` (`x-queue-type`, `x-max-length`, `x-overflow`,
 * `x-dead-letter-exchange`, `x-dead-letter-routing-key`, `x-expires`).
 */
export interface AmqpAssertQueueOptions {
  readonly durable?: boolean;
  readonly exclusive?: boolean;
  readonly autoDelete?: boolean;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

export interface AmqpAssertQueueReply {
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
}

export interface AmqpAssertExchangeOptions {
  readonly durable?: boolean;
  readonly autoDelete?: boolean;
  readonly internal?: boolean;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

export interface AmqpPublishOptions {
  readonly persistent?: boolean;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly headers?: Readonly<Record<string, unknown>>;
  /** Extra routing keys; RabbitMQ also delivers them to the consumer as the `CC` header. */
  readonly CC?: string | string[];
  readonly messageId?: string;
  readonly timestamp?: number;
  readonly mandatory?: boolean;
  readonly expiration?: string | number;
}

export interface AmqpConsumeOptions {
  /** Always given explicitly, so cancelling never depends on a reply. */
  readonly consumerTag?: string;
  readonly noAck?: boolean;
  readonly exclusive?: boolean;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/**
 * One AMQP channel. Delivery tags belong to the channel that delivered them:
 * ack/nack only on that channel, and never after it closed (amqplib throws).
 *
 * Events: `close` (the channel is gone, for any reason), `error` (a server-side
 * channel close; always followed by `close`), `drain` (publish buffer emptied),
 * `return` (an unroutable mandatory message), `cancel` (server cancelled a
 * consumer; the consumer callback also receives `null`).
 */
export interface AmqpChannel {
  assertQueue(queue: string, options?: AmqpAssertQueueOptions): Promise<AmqpAssertQueueReply>;
  checkQueue(queue: string): Promise<AmqpAssertQueueReply>;
  deleteQueue(queue: string, options?: { readonly ifUnused?: boolean; readonly ifEmpty?: boolean }): Promise<{ messageCount: number }>;
  bindQueue(queue: string, exchange: string, pattern: string, args?: Readonly<Record<string, unknown>>): Promise<unknown>;
  unbindQueue(queue: string, exchange: string, pattern: string, args?: Readonly<Record<string, unknown>>): Promise<unknown>;
  assertExchange(exchange: string, type: string, options?: AmqpAssertExchangeOptions): Promise<unknown>;
  deleteExchange(exchange: string, options?: { readonly ifUnused?: boolean }): Promise<unknown>;
  /** Returns false when the write buffer is full: wait for `drain`, don't republish. */
  publish(exchange: string, routingKey: string, content: Buffer, options?: AmqpPublishOptions): boolean;
  consume(queue: string, onMessage: (message: AmqpMessage | null) => void, options?: AmqpConsumeOptions): Promise<{ consumerTag: string }>;
  cancel(consumerTag: string): Promise<unknown>;
  ack(message: AmqpMessage, allUpTo?: boolean): void;
  nack(message: AmqpMessage, allUpTo?: boolean, requeue?: boolean): void;
  /** Per-consumer limit of unacknowledged deliveries (RabbitMQ semantics with `global` false). */
  prefetch(count: number, global?: boolean): Promise<unknown>;
  close(): Promise<void>;

  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'drain', listener: () => void): unknown;
  on(event: 'return', listener: (message: AmqpMessage) => void): unknown;
  on(event: 'cancel', listener: (fields: { consumerTag: string }) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'close' | 'drain', listener: () => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'return', listener: (message: AmqpMessage) => void): unknown;
  removeListener(event: 'cancel', listener: (fields: { consumerTag: string }) => void): unknown;
}

/** A channel with publisher confirms: `publish` takes a callback, called once the broker has the message. */
export interface AmqpConfirmChannel extends AmqpChannel {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options?: AmqpPublishOptions,
    callback?: (error: unknown, ok?: unknown) => void,
  ): boolean;
  /** Resolves when every message published so far is confirmed; rejects if one was nacked or the channel closed. */
  waitForConfirms(): Promise<void>;
}

/**
 * One AMQP connection (amqplib's `ChannelModel`).
 *
 * Events: `close` (with an error unless closed by us), `error`, `blocked`
 * (the broker stopped reading from us, e.g. low memory), `unblocked`.
 */
export interface AmqpConnection {
  createChannel(): Promise<AmqpChannel>;
  createConfirmChannel(): Promise<AmqpConfirmChannel>;
  close(): Promise<void>;

  on(event: 'close', listener: (error?: Error) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'blocked', listener: (reason: string) => void): unknown;
  on(event: 'unblocked', listener: () => void): unknown;
  once(event: 'close', listener: (error?: Error) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'close', listener: (error?: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'blocked', listener: (reason: string) => void): unknown;
  removeListener(event: 'unblocked', listener: () => void): unknown;
}

/**
 * Opens a connection. Chosen by URL scheme: `amqp:`/`amqps:` use amqplib,
 * `memory:` the embedded broker. The URL carries credentials, vhost and
 * `?heartbeat=<seconds>`; never log it unredacted.
 */
export type AmqpConnector = (url: string, socketOptions: AmqpSocketOptions) => Promise<AmqpConnection>;
