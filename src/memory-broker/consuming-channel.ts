/** The consuming half of a memory channel: consumers, prefetch, basic.get, and acknowledging what was delivered. */
import type { ConsumeMessage, GetMessage, Message, Options, Replies } from 'amqplib';
import { ServerClose, refuse, ReplyCode, type AmqpMethodName } from './amqp-errors.js';
import { randomName } from './broker.js';
import { ChannelLifecycle } from './channel-lifecycle.js';
import { ChannelConsumer, type ConsumerChannel } from './consumer.js';
import { deliveredProperties } from './message.js';
import type { MemoryQueue } from './queue.js';
import type { QueuedMessage } from './ready-list.js';
import { UnackedDeliveries, type Settlement } from './unacked-deliveries.js';

/**
 * amqplib's consuming methods on the memory broker: consumers served within
 * their prefetch (per consumer, or channel-wide with `global`), deliveries
 * tagged and held until acknowledged, and given back when the channel goes.
 */
export abstract class ConsumingChannel extends ChannelLifecycle implements ConsumerChannel {
  private readonly unacked = new UnackedDeliveries((queues) => this.redispatch(queues));
  private readonly consumers = new Map<string, ChannelConsumer>();
  private consumerPrefetch = 0;
  private channelPrefetch = 0;

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
      const deliveryTag = this.unacked.record(source, queued, undefined, !!options.noAck);
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
      this.unacked.requeueAll();
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

  // --- Called by consumers ---

  withinChannelPrefetch(): boolean {
    return this.channelPrefetch === 0 || this.unacked.size < this.channelPrefetch;
  }

  deliver(consumer: ChannelConsumer, queued: QueuedMessage, queue: MemoryQueue): void {
    const deliveryTag = this.unacked.record(queue, queued, consumer, consumer.noAck);
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

  // --- Its part in closing (see ChannelLifecycle) ---

  protected releaseDeliveries(): void {
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    this.unacked.requeueAll();
    for (const consumer of consumers) consumer.queue.removeConsumer(consumer);
  }

  // --- Internals ---

  private settle(deliveryTag: number, multiple: boolean, method: AmqpMethodName, outcome: Settlement): void {
    this.throwIfIllegal();
    if (this.state === 'server-closed') return;
    const tags = this.unacked.named(deliveryTag, multiple);
    if (!tags) {
      const refusal = refuse.unknownDeliveryTag(deliveryTag);
      this.closeByServer(new ServerClose(ReplyCode.PRECONDITION_FAILED, refusal.text, method));
      return;
    }
    this.unacked.settle(tags, outcome);
  }

  /** Room was made: the given queues, and those this channel consumes from, may deliver again. */
  private redispatch(queues: readonly MemoryQueue[]): void {
    const all = new Set(queues);
    for (const consumer of this.consumers.values()) all.add(consumer.queue);
    for (const queue of all) queue.dispatch();
  }
}
