/** Exchanges: their declarations as RabbitMQ checks them, their bindings, and routing by type. */
import { compileTopicPattern, type TopicMatcher } from '../bindings/topic-pattern.js';
import { refuse } from './amqp-errors.js';

export type ExchangeType = 'direct' | 'fanout' | 'topic';

/** Where a binding delivers: a queue, or another exchange (exchange-to-exchange binding). */
export type Destination = { readonly kind: 'queue'; readonly name: string } | { readonly kind: 'exchange'; readonly name: string };

export interface ExchangeBinding {
  readonly destination: Destination;
  readonly pattern: string;
  /** `pattern` compiled for topic exchanges (bindings are few, publishes many). */
  readonly matches: TopicMatcher;
}

export interface ExchangeDeclaration {
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
}

/**
 * Checks a new exchange's declaration as RabbitMQ does; a type or argument
 * that changes routing and that the memory broker does not model is refused.
 */
export function exchangeDeclaration(
  type: string,
  declaration: Omit<ExchangeDeclaration, 'type'>,
  args: Readonly<Record<string, unknown>>,
): ExchangeDeclaration {
  if (type !== 'direct' && type !== 'fanout' && type !== 'topic') {
    if (type === 'headers' || type.startsWith('x-')) throw refuse.notModelled(`'${type}' exchanges`);
    throw refuse.unknownExchangeType(type);
  }
  if (args['alternate-exchange'] !== undefined) throw refuse.notModelled('alternate exchanges');
  return { type, ...declaration };
}

/** An exchange: a name, a type and its bindings. Routing is by the type's rule. */
export class MemoryExchange {
  private readonly bindings: ExchangeBinding[] = [];

  constructor(
    readonly name: string,
    readonly declaration: ExchangeDeclaration,
  ) {}

  get bindingCount(): number {
    return this.bindings.length;
  }

  /** Refuses a redeclaration that differs from this exchange's, naming the first difference as RabbitMQ does. */
  checkEquivalent(received: ExchangeDeclaration): void {
    const current = this.declaration;
    const compare = (arg: string, had: unknown, got: unknown) => {
      if (had !== got) throw refuse.inequivalent('exchange', this.name, arg, `received '${got}' but current is '${had}'`);
    };
    compare('type', current.type, received.type);
    compare('durable', current.durable, received.durable);
    compare('auto_delete', current.autoDelete, received.autoDelete);
    compare('internal', current.internal, received.internal);
  }

  /** Adds a binding; binding twice is a no-op, as in AMQP. */
  bind(destination: Destination, pattern: string): void {
    if (this.find(destination, pattern) < 0) this.bindings.push({ destination, pattern, matches: compileTopicPattern(pattern) });
  }

  /** Removes a binding; true when there was one. */
  unbind(destination: Destination, pattern: string): boolean {
    const index = this.find(destination, pattern);
    if (index < 0) return false;
    this.bindings.splice(index, 1);
    return true;
  }

  /** Removes every binding to a destination; true when there were some. */
  unbindAll(destination: Destination): boolean {
    const before = this.bindings.length;
    for (let i = this.bindings.length - 1; i >= 0; i--) {
      const d = this.bindings[i]!.destination;
      if (d.kind === destination.kind && d.name === destination.name) this.bindings.splice(i, 1);
    }
    return this.bindings.length < before;
  }

  /** The destinations a routing key reaches. */
  route(routingKey: string): Destination[] {
    return this.bindings.filter((b) => this.matches(b, routingKey)).map((b) => b.destination);
  }

  private matches(binding: ExchangeBinding, routingKey: string): boolean {
    switch (this.declaration.type) {
      case 'fanout':
        return true;
      case 'direct':
        return binding.pattern === routingKey;
      case 'topic':
        return binding.matches(routingKey);
    }
  }

  private find(destination: Destination, pattern: string): number {
    return this.bindings.findIndex(
      (b) => b.pattern === pattern && b.destination.kind === destination.kind && b.destination.name === destination.name,
    );
  }
}
