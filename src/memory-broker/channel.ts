/** amqplib's ConfirmChannel on the memory broker: declarations and publishing here, consuming and closing in its base classes. */
import type { ConfirmChannel, Message, Options, Replies } from 'amqplib';
import { BrokerRefusal, ServerClose } from './amqp-errors.js';
import type { ChannelHost } from './channel-host.js';
import { ConsumingChannel } from './consuming-channel.js';
import { cloneTable, deliveredProperties, publishedMessage } from './message.js';
import { PublisherConfirms, type ConfirmCallback } from './publisher-confirms.js';
import { queueArguments } from './queue-arguments.js';

/**
 * A channel on the memory broker with amqplib's promise API and events. Here:
 * declaring and binding queues and exchanges, publishing and publisher
 * confirms. Consuming and acknowledging are {@link ConsumingChannel}'s; how a
 * channel fails and closes, `ChannelLifecycle`'s (its base).
 */
export class MemoryChannel extends ConsumingChannel implements ConfirmChannel {
  private readonly confirms = new PublisherConfirms();

  constructor(
    host: ChannelHost,
    private readonly confirmMode: boolean,
  ) {
    super(host);
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
    const confirm = this.confirmMode ? this.confirms.track(callback) : undefined;
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
      this.post(() => this.confirms.settle(confirm, result));
    }
    // Nothing is buffered in memory, so publishing never asks the caller to wait for 'drain'.
    return true;
  }

  sendToQueue(queue: string, content: Buffer, options?: Options.Publish, callback?: ConfirmCallback): boolean {
    return this.publish('', queue, content, options, callback);
  }

  waitForConfirms(): Promise<void> {
    return this.confirms.waitForAll();
  }

  // --- Its part in closing (see ChannelLifecycle) ---

  protected failUnconfirmed(): void {
    this.confirms.failAll();
  }
}

/** amqplib's encoder refuses what does not fit an AMQP short string. */
function checkShortString(field: string, value: unknown): void {
  if (typeof value !== 'string' || Buffer.byteLength(value) > 255) {
    throw new TypeError(`Field '${field}' is the wrong type; must be a string (up to 255 chars)`);
  }
}
