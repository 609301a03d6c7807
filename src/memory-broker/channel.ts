import { EventEmitter } from 'node:events';
import type { ConfirmChannel, ConsumeMessage, GetMessage, Message, Options, Replies } from 'amqplib';
import { BrokerRefusal, ServerClose, refuse, ReplyCode, type AmqpMethodName } from './amqp-errors.js';
import { randomName } from './broker.js';
import { illegalOperation, legalOperation, stackCapture, type ChannelHost } from './channel-host.js';
import { ChannelConsumer, type ConsumerChannel } from './consumer.js';
import { cloneTable, deliveredProperties, publishedMessage } from './message.js';
import type { MemoryQueue } from './queue.js';
import type { QueuedMessage } from './ready-list.js';

type ChannelState =
  | 'open'
  /** The server has closed it; the client hears about it with the next events. */
  | 'server-closed'
  /** The client asked to close it. */
  | 'closing'
  | 'closed';

interface Unacked {
  readonly queue: MemoryQueue;
  readonly message: QueuedMessage;
  readonly consumer: ChannelConsumer | undefined;
}

type ConfirmCallback = (err: Error | null, ok: Replies.Empty) => void;

interface PendingConfirm {
  readonly callback: ConfirmCallback | undefined;
  readonly waiters: ((err: Error | null) => void)[];
}

const CHANNEL_ENDED = 'Channel ended, no reply will be forthcoming';

/**
 * A channel on the memory broker with amqplib's promise API and events,
 * including its failure modes: a refused operation closes the channel with
 * RabbitMQ's code and text (`'error'`, then `'close'`), operations on a closed
 * channel throw amqplib's IllegalOperationError, events arrive asynchronously.
 */
export class MemoryChannel extends EventEmitter implements ConfirmChannel, ConsumerChannel {
  private state: ChannelState = 'open';
  private stateChange = '';
  private lastDeliveryTag = 0;
  private readonly unacked = new Map<number, Unacked>();
  private readonly consumers = new Map<string, ChannelConsumer>();
  private consumerPrefetch = 0;
  private channelPrefetch = 0;
  private pendingConfirms = new Set<PendingConfirm>();
  private closedWithUnconfirmed = false;
  /** Rejections owed to operations still waiting when the channel closes. */
  private readonly orphanedReplies = new Set<(error: Error) => void>();

  constructor(
    private readonly host: ChannelHost,
    private readonly confirmMode: boolean,
  ) {
    super();
  }

  get connection(): ChannelHost['connection'] {
    return this.host.connection;
  }

  // --- Declarations ---

  assertQueue(queue = '', options: Options.AssertQueue = {}): Promise<Replies.AssertQueue> {
    return this.rpc('QueueDeclare', () => {
      checkShortString('queue', queue);
      const info = this.host.broker.declareQueue(this.host.identity, queue, {
        durable: options.durable ?? true,
        exclusive: !!options.exclusive,
        autoDelete: !!options.autoDelete,
        arguments: queueArguments(options),
      });
      return { queue: info.name, messageCount: info.messageCount, consumerCount: info.consumerCount };
    });
  }

  checkQueue(queue: string): Promise<Replies.AssertQueue> {
    return this.rpc('QueueDeclare', () => {
      const found = this.host.broker.queue(this.host.identity, queue);
      return { queue, messageCount: found.messageCount, consumerCount: found.consumerCount };
    });
  }

  deleteQueue(queue: string, options: Options.DeleteQueue = {}): Promise<Replies.DeleteQueue> {
    return this.rpc('QueueDelete', () => ({
      messageCount: this.host.broker.deleteQueue(this.host.identity, queue, !!options.ifUnused, !!options.ifEmpty),
    }));
  }

  purgeQueue(queue: string): Promise<Replies.PurgeQueue> {
    return this.rpc('QueuePurge', () => ({ messageCount: this.host.broker.queue(this.host.identity, queue).purge() }));
  }

  bindQueue(queue: string, source: string, pattern: string, _args?: unknown): Promise<Replies.Empty> {
    return this.rpc('QueueBind', () => {
      checkShortString('routingKey', pattern);
      this.host.broker.bindQueue(this.host.identity, queue, source, pattern);
      return {};
    });
  }

  unbindQueue(queue: string, source: string, pattern: string, _args?: unknown): Promise<Replies.Empty> {
    return this.rpc('QueueUnbind', () => {
      this.host.broker.unbindQueue(this.host.identity, queue, source, pattern);
      return {};
    });
  }

  assertExchange(exchange: string, type: string, options: Options.AssertExchange = {}): Promise<Replies.AssertExchange> {
    return this.rpc('ExchangeDeclare', () => {
      checkShortString('exchange', exchange);
      const args: Record<string, unknown> = { ...cloneTable(options.arguments ?? {}) };
      if (options.alternateExchange !== undefined) args['alternate-exchange'] = options.alternateExchange;
      this.host.broker.declareExchange(
        exchange,
        type,
        { durable: options.durable ?? true, autoDelete: !!options.autoDelete, internal: !!options.internal },
        args,
      );
      return { exchange };
    });
  }

  checkExchange(exchange: string): Promise<Replies.Empty> {
    return this.rpc('ExchangeDeclare', () => {
      this.host.broker.checkExchange(exchange);
      return {};
    });
  }

  deleteExchange(exchange: string, options: Options.DeleteExchange = {}): Promise<Replies.Empty> {
    return this.rpc('ExchangeDelete', () => {
      this.host.broker.deleteExchange(exchange, !!options.ifUnused);
      return {};
    });
  }

  bindExchange(destination: string, source: string, pattern: string, _args?: unknown): Promise<Replies.Empty> {
    return this.rpc('ExchangeBind', () => {
      this.host.broker.bindExchange(destination, source, pattern);
      return {};
    });
  }

  unbindExchange(destination: string, source: string, pattern: string, _args?: unknown): Promise<Replies.Empty> {
    return this.rpc('ExchangeUnbind', () => {
      this.host.broker.unbindExchange(destination, source, pattern);
      return {};
    });
  }

  // --- Publishing ---

  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}, callback?: ConfirmCallback): boolean {
    this.throwIfIllegal();
    checkShortString('exchange', exchange);
    checkShortString('routingKey', routingKey);
    if (!Buffer.isBuffer(content)) throw new TypeError(`Expected buffer; got ${String(content)}`);
    const confirm = this.confirmMode ? this.trackConfirm(callback) : undefined;
    // The server ignores whatever arrives after it closed the channel.
    if (this.state === 'server-closed') return true;
    const message = publishedMessage(exchange, routingKey, content, options);
    let outcome;
    try {
      outcome = this.host.broker.publish(exchange, message);
    } catch (error) {
      if (!(error instanceof BrokerRefusal)) throw error;
      this.closeByServer(new ServerClose(error.code, error.text, 'BasicPublish'));
      return true;
    }
    if (!outcome.routed && options.mandatory) {
      const returned: Message = {
        fields: { replyCode: 312, replyText: 'NO_ROUTE', exchange, routingKey } as unknown as Message['fields'],
        properties: deliveredProperties(message),
        content: Buffer.from(message.content),
      };
      this.post(() => this.emitMessage('return', returned));
    }
    if (confirm) {
      const result = outcome.refused ? new Error('message nacked') : null;
      this.post(() => this.settleConfirm(confirm, result));
    }
    // Nothing is buffered in memory, so publishing never asks the caller to wait for 'drain'.
    return true;
  }

  sendToQueue(queue: string, content: Buffer, options?: Options.Publish, callback?: ConfirmCallback): boolean {
    return this.publish('', queue, content, options, callback);
  }

  waitForConfirms(): Promise<void> {
    if (this.closedWithUnconfirmed) return Promise.reject(new Error('channel closed'));
    const waiting = [...this.pendingConfirms].map(
      (pending) => new Promise<void>((resolve, reject) => pending.waiters.push((err) => (err ? reject(err) : resolve()))),
    );
    return Promise.all(waiting).then(() => undefined);
  }

  // --- Consuming ---

  consume(queue: string, onMessage: (message: ConsumeMessage | null) => void, options: Options.Consume = {}): Promise<Replies.Consume> {
    let started: ChannelConsumer | undefined;
    return this.rpc(
      'BasicConsume',
      () => {
        const tag = options.consumerTag || `amq.ctag-${randomName()}`;
        if (this.consumers.has(tag)) throw refuse.reusedConsumerTag(tag);
        if (options.priority !== undefined || options.arguments?.['x-priority'] !== undefined) {
          throw refuse.notModelled('consumer priorities (x-priority)');
        }
        const source = this.host.broker.queue(this.host.identity, queue);
        const consumer = new ChannelConsumer(tag, source, onMessage, !!options.noAck, !!options.exclusive, this.consumerPrefetch, this);
        source.addConsumer(consumer);
        this.consumers.set(tag, consumer);
        started = consumer;
        return { consumerTag: tag };
      },
      // Deliveries follow the consume-ok, as on the wire.
      () => started?.queue.dispatch(),
    );
  }

  cancel(consumerTag: string): Promise<Replies.Cancel> {
    return this.rpc('BasicCancel', () => {
      const consumer = this.consumers.get(consumerTag);
      if (consumer) {
        this.consumers.delete(consumerTag);
        consumer.queue.removeConsumer(consumer);
      }
      return { consumerTag };
    });
  }

  get(queue: string, options: Options.Get = {}): Promise<GetMessage | false> {
    return this.rpc('BasicGet', (): GetMessage | false => {
      const source = this.host.broker.queue(this.host.identity, queue);
      const queued = source.take();
      if (!queued) return false;
      const deliveryTag = ++this.lastDeliveryTag;
      if (!options.noAck) this.unacked.set(deliveryTag, { queue: source, message: queued, consumer: undefined });
      const { message } = queued;
      return {
        fields: {
          deliveryTag,
          redelivered: queued.redelivered,
          exchange: message.exchange,
          routingKey: message.routingKey,
          messageCount: source.messageCount,
        },
        properties: deliveredProperties(message, source.deliveryHeaders(queued)),
        content: Buffer.from(message.content),
      };
    });
  }

  prefetch(count: number, global = false): Promise<Replies.Empty> {
    return this.rpc('BasicQos', () => {
      if (!Number.isInteger(count) || count < 0 || count > 0xffff) {
        throw new RangeError(`The value of "value" is out of range. It must be >= 0 and <= 65535. Received ${count}`);
      }
      if (global) this.channelPrefetch = count;
      else this.consumerPrefetch = count;
      return {};
    }, () => global && this.redispatch([]));
  }

  recover(): Promise<Replies.Empty> {
    return this.rpc('BasicRecover', () => {
      this.requeue([...this.unacked.keys()]);
      return {};
    });
  }

  // --- Acknowledgements ---

  ack(message: Message, allUpTo = false): void {
    this.settle(message.fields.deliveryTag, allUpTo, 'BasicAck', 'ack');
  }

  ackAll(): void {
    this.settle(0, true, 'BasicAck', 'ack');
  }

  nack(message: Message, allUpTo = false, requeue = true): void {
    this.settle(message.fields.deliveryTag, allUpTo, 'BasicNack', requeue ? 'requeue' : 'discard');
  }

  nackAll(requeue = true): void {
    this.settle(0, true, 'BasicNack', requeue ? 'requeue' : 'discard');
  }

  reject(message: Message, requeue = true): void {
    this.settle(message.fields.deliveryTag, false, 'BasicReject', requeue ? 'requeue' : 'discard');
  }

  // --- Closing ---

  close(): Promise<void> {
    return legalOperation(() => this.illegal(), (resolve) => {
      if (this.state === 'open') this.releaseServerSide();
      this.enter('closing', 'closeBecause called: Goodbye');
      this.post(() => {
        this.toClosed();
        resolve();
      });
    });
  }

  // --- Called by the connection and by consumers ---

  isOpen(): boolean {
    return this.state === 'open';
  }

  withinChannelPrefetch(): boolean {
    return this.channelPrefetch === 0 || this.unacked.size < this.channelPrefetch;
  }

  deliver(consumer: ChannelConsumer, queued: QueuedMessage, queue: MemoryQueue): void {
    const deliveryTag = ++this.lastDeliveryTag;
    if (!consumer.noAck) {
      this.unacked.set(deliveryTag, { queue, message: queued, consumer });
      consumer.unacked += 1;
    }
    const { message } = queued;
    const delivery: ConsumeMessage = {
      fields: {
        consumerTag: consumer.tag,
        deliveryTag,
        redelivered: queued.redelivered,
        exchange: message.exchange,
        routingKey: message.routingKey,
      },
      properties: deliveredProperties(message, queue.deliveryHeaders(queued)),
      content: Buffer.from(message.content),
    };
    this.post(() => {
      if (this.state !== 'closed') this.emitMessage('delivery', delivery, () => consumer.callback(delivery));
    });
  }

  cancelledByServer(consumer: ChannelConsumer): void {
    if (this.consumers.get(consumer.tag) !== consumer) return;
    this.consumers.delete(consumer.tag);
    this.post(() => {
      // amqplib hands the consumer `null` first, then emits 'cancel' to other listeners.
      if (this.state !== 'closed') {
        this.emitSafely('cancel', [{ consumerTag: consumer.tag, nowait: true }], () => consumer.callback(null));
      }
    });
  }

  /**
   * The server side of a channel going away: consumers end and unacknowledged
   * messages go back to their queues, marked redelivered.
   */
  releaseServerSide(): void {
    if (this.state === 'open') this.enter('server-closed', 'server released the channel');
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    this.requeue([...this.unacked.keys()]);
    for (const consumer of consumers) consumer.queue.removeConsumer(consumer);
  }

  /** The client learns the channel is closed: pending replies fail, unconfirmed publishes fail, `'close'`. */
  toClosed(): void {
    if (this.state === 'closed') return;
    this.enter('closed', 'channel closed');
    for (const reject of this.orphanedReplies) reject(new Error(CHANNEL_ENDED));
    this.orphanedReplies.clear();
    const unconfirmed = this.pendingConfirms;
    this.pendingConfirms = new Set();
    this.closedWithUnconfirmed = unconfirmed.size > 0;
    const error = new Error('channel closed');
    for (const pending of unconfirmed) notifyConfirm(pending, error);
    this.emitSafely('close', []);
  }

  // --- Internals ---

  private rpc<T>(method: AmqpMethodName, operation: () => T, afterReply?: () => void): Promise<T> {
    return legalOperation<T>(() => this.illegal(), (resolve, reject) => {
      if (this.state === 'server-closed') {
        this.orphanedReplies.add(reject);
        return;
      }
      let result: T;
      try {
        result = operation();
      } catch (error) {
        if (error instanceof BrokerRefusal) this.refused(method, error, reject);
        else reject(error);
        return;
      }
      this.post(() => resolve(result));
      afterReply?.();
    });
  }

  private refused(method: AmqpMethodName, refusal: BrokerRefusal, reject: (error: Error) => void): void {
    const close = new ServerClose(refusal.code, refusal.text, method);
    if (refusal.scope === 'connection') {
      this.orphanedReplies.add(reject);
      this.host.failConnection(close);
    } else {
      this.closeByServer(close, reject);
    }
  }

  /** RabbitMQ closes the channel for an error: the operation fails, then `'error'`, then `'close'`. */
  private closeByServer(close: ServerClose, rejectOperation?: (error: Error) => void): void {
    if (this.state !== 'open') return;
    this.releaseServerSide();
    this.post(() => {
      rejectOperation?.(close.operationError());
      this.emitSafely('error', [close.channelError()]);
      this.toClosed();
    });
  }

  private settle(deliveryTag: number, multiple: boolean, method: AmqpMethodName, outcome: 'ack' | 'requeue' | 'discard'): void {
    this.throwIfIllegal();
    if (this.state === 'server-closed') return;
    let tags: number[];
    if (multiple && deliveryTag === 0) {
      tags = [...this.unacked.keys()];
    } else if (!this.unacked.has(deliveryTag)) {
      const refusal = refuse.unknownDeliveryTag(deliveryTag);
      this.closeByServer(new ServerClose(ReplyCode.PRECONDITION_FAILED, refusal.text, method));
      return;
    } else {
      tags = multiple ? [...this.unacked.keys()].filter((tag) => tag <= deliveryTag) : [deliveryTag];
    }
    if (outcome === 'requeue') {
      this.requeue(tags);
      return;
    }
    const queues: MemoryQueue[] = [];
    for (const tag of tags) {
      const entry = this.take(tag);
      queues.push(entry.queue);
      if (outcome === 'discard') entry.queue.discard(entry.message);
    }
    this.redispatch(queues);
  }

  /** Puts unacknowledged messages back, all first, then delivers: they keep their order. */
  private requeue(tags: readonly number[]): void {
    const queues: MemoryQueue[] = [];
    for (const tag of tags) {
      const entry = this.take(tag);
      entry.queue.requeue(entry.message);
      queues.push(entry.queue);
    }
    this.redispatch(queues);
  }

  private take(tag: number): Unacked {
    const entry = this.unacked.get(tag)!;
    this.unacked.delete(tag);
    if (entry.consumer) entry.consumer.unacked -= 1;
    return entry;
  }

  /** Room was made: the given queues, and those this channel consumes from, may deliver again. */
  private redispatch(queues: readonly MemoryQueue[]): void {
    const all = new Set(queues);
    for (const consumer of this.consumers.values()) all.add(consumer.queue);
    for (const queue of all) queue.dispatch();
  }

  private trackConfirm(callback: ConfirmCallback | undefined): PendingConfirm {
    const pending: PendingConfirm = { callback, waiters: [] };
    this.pendingConfirms.add(pending);
    return pending;
  }

  private settleConfirm(pending: PendingConfirm, error: Error | null): void {
    if (!this.pendingConfirms.delete(pending)) return;
    notifyConfirm(pending, error);
  }

  private post(task: () => void): void {
    this.host.post(task);
  }

  private enter(state: ChannelState, reason: string): void {
    this.state = state;
    this.stateChange = stackCapture(reason);
  }

  private illegal(): Error | undefined {
    if (this.state === 'closed') return illegalOperation('Channel closed', this.stateChange);
    if (this.state === 'closing') return illegalOperation('Channel closing', this.stateChange);
    return this.host.illegal();
  }

  private throwIfIllegal(): void {
    const illegal = this.illegal();
    if (illegal) throw illegal;
  }

  /**
   * Emits as amqplib's safeEmit does: an exception from a listener (or an
   * `'error'` nobody listens to) goes to `'handler-error'` listeners if there
   * are any, and otherwise breaks the connection, like a frame error.
   */
  private emitSafely(event: string, args: unknown[], first?: () => void): void {
    const failure = this.tryEmit(event, args, first);
    if (failure) this.host.failFromFrameError(failure);
  }

  /**
   * Emits a message event (`'delivery'`, `'return'`): amqplib reads messages in
   * a guarded state machine, so an exception from the consumer closes only
   * this channel, with INTERNAL_ERROR (541), unless `'handler-error'` takes it.
   */
  private emitMessage(event: string, message: Message, first?: () => void): void {
    const failure = this.tryEmit(event, [message], first);
    if (failure) this.closeForHandlerError(failure);
  }

  /** Runs the emission; returns the exception nobody handled, if any. */
  private tryEmit(event: string, args: unknown[], first?: () => void): Error | undefined {
    try {
      first?.();
      this.emit(event, ...args);
      return undefined;
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      if (this.listenerCount('handler-error') === 0) return cause;
      setImmediate(() => this.emit('handler-error', cause, event));
      return undefined;
    }
  }

  /** The client closes the channel because of the error: `'error'` (code 541) then `'close'`, after the round trip. */
  private closeForHandlerError(error: Error): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.state === 'open') this.releaseServerSide();
    this.enter('closing', 'closeBecause called: Error while processing message');
    this.post(() => {
      (error as Error & { code?: number }).code = 541;
      this.emitSafely('error', [error]);
      this.toClosed();
    });
  }
}

function notifyConfirm(pending: PendingConfirm, error: Error | null): void {
  pending.callback?.(error, {});
  for (const waiter of pending.waiters) waiter(error);
}

/** Queue arguments as amqplib sends them: `arguments` plus the options it promotes to `x-` arguments. */
function queueArguments(options: Options.AssertQueue): Record<string, unknown> {
  const args: Record<string, unknown> = { ...cloneTable(options.arguments ?? {}) };
  const promote = (key: string, value: unknown) => {
    if (value !== undefined) args[key] = value;
  };
  promote('x-expires', options.expires);
  promote('x-message-ttl', options.messageTtl);
  promote('x-dead-letter-exchange', options.deadLetterExchange);
  promote('x-dead-letter-routing-key', options.deadLetterRoutingKey);
  promote('x-max-length', options.maxLength);
  promote('x-max-priority', options.maxPriority);
  promote('x-overflow', options.overflow);
  promote('x-queue-mode', options.queueMode);
  return args;
}

/** amqplib's encoder refuses what does not fit an AMQP short string. */
function checkShortString(field: string, value: unknown): void {
  if (typeof value !== 'string' || Buffer.byteLength(value) > 255) {
    throw new TypeError(`Field '${field}' is the wrong type; must be a string (up to 255 chars)`);
  }
}
