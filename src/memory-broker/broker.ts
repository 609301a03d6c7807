/** One in-process broker (a RabbitMQ virtual host): its exchanges, queues and connections, and the rules for declaring them. */
import { randomBytes } from 'node:crypto';
import { BrokerRefusal, refuse } from './amqp-errors.js';
import { deadLetteredMessage } from './dead-letter.js';
import { exchangeDeclaration, MemoryExchange, type Destination, type ExchangeDeclaration } from './exchange.js';
import type { PublishedMessage } from './message.js';
import { checkEquivalent, queueSettings, type QueueDeclaration } from './queue-arguments.js';
import { MemoryQueue, type DeathReason, type QueueHost } from './queue.js';
import type { QueuedMessage } from './ready-list.js';
import { routeMessage } from './routing.js';

/** A client connection as the broker sees it: it owns exclusive queues and can be cut off. */
export interface BrokerConnection {
  /** The client's `connection_name` property, if it gave one (as `rabbitmqctl list_connections` shows it). */
  readonly name: string | undefined;
  /** The network goes away: `'error'` then `'close'`, as when a socket dies. */
  simulateConnectionLoss(error: Error): void;
  /** The server closes the connection (320 CONNECTION_FORCED), as `rabbitmqctl close_connection` does. */
  forceClose(reason: string): void;
}

export interface QueueInfo {
  readonly name: string;
  readonly messageCount: number;
  readonly consumerCount: number;
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
  readonly arguments: Readonly<Record<string, unknown>>;
}

export interface PublishOutcome {
  /** Some queue received the message. */
  readonly routed: boolean;
  /** Some queue refused it (`reject-publish` overflow): a publisher confirm nack. */
  readonly refused: boolean;
}

const PREDECLARED: readonly [string, ExchangeDeclaration['type']][] = [
  ['amq.direct', 'direct'],
  ['amq.fanout', 'fanout'],
  ['amq.topic', 'topic'],
];

/**
 * One in-process broker (one RabbitMQ virtual host): exchanges, queues and the
 * rules for declaring, binding, routing and dead-lettering. Channels call it;
 * anything it refuses it throws as a {@link BrokerRefusal} carrying RabbitMQ's
 * reply code and text.
 */
export class MemoryBroker implements QueueHost {
  private readonly exchanges = new Map<string, MemoryExchange>();
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly connections = new Set<BrokerConnection>();
  private seq = 0;

  constructor(readonly name: string) {
    for (const [exchange, type] of PREDECLARED) {
      this.exchanges.set(exchange, new MemoryExchange(exchange, { type, durable: true, autoDelete: false, internal: false }));
    }
  }

  // --- Inspection and fault injection, for tests and demos ---

  /** Queue names, sorted. */
  queueNames(): string[] {
    return [...this.queues.keys()].sort();
  }

  /** Exchange names (without the default exchange), sorted. */
  exchangeNames(): string[] {
    return [...this.exchanges.keys()].sort();
  }

  queueInfo(name: string): QueueInfo | undefined {
    const queue = this.queues.get(name);
    if (!queue) return undefined;
    return {
      name,
      messageCount: queue.messageCount,
      consumerCount: queue.consumerCount,
      durable: queue.declaration.durable,
      exclusive: queue.declaration.exclusive,
      autoDelete: queue.declaration.autoDelete,
      arguments: { ...queue.declaration.arguments },
    };
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Names of the open connections (`connection_name` client property; unnamed ones left out). */
  connectionNames(): string[] {
    return [...this.connections].flatMap((c) => (c.name === undefined ? [] : [c.name]));
  }

  /**
   * Cuts open connections as a network failure would: `'error'` with `error`
   * (default `Unexpected close`), then `'close'`. All of them, or only those
   * named `connectionName` (e.g. `pulseClient.connectionName`). Returns how many.
   */
  simulateConnectionLoss(options: { readonly error?: Error; readonly connectionName?: string } = {}): number {
    const chosen = this.chosen(options.connectionName);
    for (const connection of chosen) connection.simulateConnectionLoss(options.error ?? new Error('Unexpected close'));
    return chosen.length;
  }

  /**
   * Closes open connections from the server side (320 CONNECTION_FORCED), as
   * `rabbitmqctl close_connection` does: all, or those named `connectionName`. Returns how many.
   */
  forceCloseConnections(options: { readonly reason?: string; readonly connectionName?: string } = {}): number {
    const chosen = this.chosen(options.connectionName);
    for (const connection of chosen) connection.forceClose(options.reason ?? 'Closed via management plugin');
    return chosen.length;
  }

  private chosen(connectionName: string | undefined): BrokerConnection[] {
    return [...this.connections].filter((c) => connectionName === undefined || c.name === connectionName);
  }

  // --- Connections ---

  attach(connection: BrokerConnection): void {
    this.connections.add(connection);
  }

  /** A connection has gone: its exclusive queues go with it. */
  detach(connection: BrokerConnection): void {
    this.connections.delete(connection);
    for (const queue of [...this.queues.values()]) {
      if (queue.owner === connection) this.removeQueue(queue);
    }
  }

  // --- Queues ---

  declareQueue(connection: BrokerConnection, requested: string, declaration: QueueDeclaration): QueueInfo {
    if (requested.startsWith('amq.')) throw refuse.reservedName('queue', requested);
    const existing = requested === '' ? undefined : this.queues.get(requested);
    if (existing) {
      existing.checkAccess(connection);
      if (existing.declaration.exclusive !== declaration.exclusive) throw refuse.locked(requested);
      checkEquivalent(requested, existing.declaration, declaration);
      return this.queueInfo(requested)!;
    }
    const name = requested === '' ? `amq.gen-${randomName()}` : requested;
    const settings = queueSettings(name, declaration);
    const owner = declaration.exclusive ? connection : undefined;
    this.queues.set(name, new MemoryQueue(name, declaration, settings, owner, this));
    return this.queueInfo(name)!;
  }

  /** The queue, if it exists and this connection may use it. */
  queue(connection: BrokerConnection, name: string): MemoryQueue {
    const queue = this.queues.get(name);
    if (!queue) throw refuse.noQueue(name);
    queue.checkAccess(connection);
    return queue;
  }

  deleteQueue(connection: BrokerConnection, name: string, ifUnused: boolean, ifEmpty: boolean): number {
    const queue = this.queues.get(name);
    if (!queue) return 0;
    queue.checkAccess(connection);
    if (ifUnused && queue.consumerCount > 0) throw refuse.precondition(`queue '${name}' in vhost '/' in use`);
    if (ifEmpty && queue.messageCount > 0) throw refuse.precondition(`queue '${name}' in vhost '/' not empty`);
    return this.removeQueue(queue);
  }

  bindQueue(connection: BrokerConnection, queueName: string, exchangeName: string, pattern: string): void {
    const exchange = this.bindableExchange(exchangeName);
    this.queue(connection, queueName);
    exchange.bind({ kind: 'queue', name: queueName }, pattern);
  }

  unbindQueue(connection: BrokerConnection, queueName: string, exchangeName: string, pattern: string): void {
    if (exchangeName === '') throw refuse.defaultExchange();
    this.queues.get(queueName)?.checkAccess(connection);
    const exchange = this.exchanges.get(exchangeName);
    if (exchange?.unbind({ kind: 'queue', name: queueName }, pattern)) this.afterUnbind(exchange);
  }

  // --- Exchanges ---

  declareExchange(name: string, type: string, declaration: Omit<ExchangeDeclaration, 'type'>, args: Record<string, unknown>): void {
    if (name === '') throw refuse.defaultExchange();
    const existing = this.exchanges.get(name);
    if (!existing && name.startsWith('amq.')) throw refuse.reservedName('exchange', name);
    const checked = exchangeDeclaration(type, declaration, args);
    if (existing) existing.checkEquivalent(checked);
    else this.exchanges.set(name, new MemoryExchange(name, checked));
  }

  checkExchange(name: string): void {
    if (name !== '' && !this.exchanges.has(name)) throw refuse.noExchange(name);
  }

  deleteExchange(name: string, ifUnused: boolean): void {
    if (name === '') throw refuse.defaultExchange();
    const exchange = this.exchanges.get(name);
    if (!exchange) return;
    if (ifUnused && exchange.bindingCount > 0) throw refuse.precondition(`exchange '${name}' in vhost '/' in use`);
    this.removeExchange(exchange);
  }

  bindExchange(destination: string, source: string, pattern: string): void {
    const exchange = this.bindableExchange(source);
    this.bindableExchange(destination);
    exchange.bind({ kind: 'exchange', name: destination }, pattern);
  }

  unbindExchange(destination: string, source: string, pattern: string): void {
    if (source === '' || destination === '') throw refuse.defaultExchange();
    const exchange = this.exchanges.get(source);
    if (exchange?.unbind({ kind: 'exchange', name: destination }, pattern)) this.afterUnbind(exchange);
  }

  // --- Messages ---

  /** Routes a published message to every matching queue, once per queue. */
  publish(exchangeName: string, message: PublishedMessage): PublishOutcome {
    if (exchangeName !== '') {
      const exchange = this.exchanges.get(exchangeName);
      if (!exchange) throw refuse.noExchange(exchangeName);
      if (exchange.declaration.internal) {
        throw new BrokerRefusal(403, `ACCESS_REFUSED - cannot publish to internal exchange '${exchangeName}' in vhost '/'`);
      }
    }
    return this.deliver(exchangeName, message);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  deadLetter(queue: MemoryQueue, message: QueuedMessage, reason: DeathReason): void {
    const { deadLetterExchange, deadLetterRoutingKey } = queue.settings;
    if (deadLetterExchange === undefined || !this.exchanges.has(deadLetterExchange)) return;
    const dead = deadLetteredMessage(message.message, queue.name, reason, deadLetterExchange, deadLetterRoutingKey);
    this.deliver(deadLetterExchange, dead);
  }

  autoDelete(queue: MemoryQueue): void {
    this.removeQueue(queue);
  }

  private deliver(exchangeName: string, message: PublishedMessage): PublishOutcome {
    const targets = routeMessage(this.exchanges, this.queues, exchangeName, message);
    let refused = false;
    for (const queue of targets) {
      if (!queue.offer(message)) refused = true;
    }
    return { routed: targets.length > 0, refused };
  }

  private bindableExchange(name: string): MemoryExchange {
    if (name === '') throw refuse.defaultExchange();
    const exchange = this.exchanges.get(name);
    if (!exchange) throw refuse.noExchange(name);
    return exchange;
  }

  private removeQueue(queue: MemoryQueue): number {
    if (this.queues.get(queue.name) !== queue) return 0;
    this.queues.delete(queue.name);
    this.unbindEverywhere({ kind: 'queue', name: queue.name });
    return queue.destroy();
  }

  private removeExchange(exchange: MemoryExchange): void {
    this.exchanges.delete(exchange.name);
    this.unbindEverywhere({ kind: 'exchange', name: exchange.name });
  }

  private unbindEverywhere(destination: Destination): void {
    for (const exchange of [...this.exchanges.values()]) {
      if (exchange.unbindAll(destination)) this.afterUnbind(exchange);
    }
  }

  /** An auto-delete exchange goes when its last binding does. */
  private afterUnbind(exchange: MemoryExchange): void {
    if (exchange.declaration.autoDelete && exchange.bindingCount === 0 && this.exchanges.get(exchange.name) === exchange) {
      this.removeExchange(exchange);
    }
  }
}

/** 22 characters of base64url, like RabbitMQ's generated names. */
export function randomName(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}
