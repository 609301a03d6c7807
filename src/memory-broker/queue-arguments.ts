/** Queue declarations and their arguments: as amqplib sends them, as RabbitMQ checks and compares them. */
import type { Options } from 'amqplib';
import { refuse } from './amqp-errors.js';
import { cloneTable } from './message.js';

/** What a queue declaration asks for, as the broker receives it. */
export interface QueueDeclaration {
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
  readonly arguments: Readonly<Record<string, unknown>>;
}

export type Overflow = 'drop-head' | 'reject-publish' | 'reject-publish-dlx';

/** The arguments the memory broker acts on, checked. */
export interface QueueSettings {
  readonly type: 'classic' | 'quorum';
  readonly maxLength: number | undefined;
  readonly overflow: Overflow;
  readonly deadLetterExchange: string | undefined;
  readonly deadLetterRoutingKey: string | undefined;
  readonly deliveryLimit: number | undefined;
}

/**
 * Arguments RabbitMQ compares on redeclaration, in the order it compares them
 * (the first difference is the one reported); others, such as unknown `x-`
 * keys, are ignored there too.
 */
const COMPARED_ARGUMENTS = [
  'x-expires',
  'x-message-ttl',
  'x-dead-letter-exchange',
  'x-dead-letter-routing-key',
  'x-max-length',
  'x-max-length-bytes',
  'x-max-priority',
  'x-overflow',
  'x-queue-mode',
  'x-single-active-consumer',
  'x-queue-type',
  'x-delivery-limit',
] as const;

/** Arguments that change what a queue does and that the memory broker does not model: refused, not ignored. */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  'x-message-ttl': 'message TTLs (x-message-ttl)',
  'x-max-length-bytes': 'byte limits (x-max-length-bytes)',
  'x-max-priority': 'priority queues (x-max-priority)',
  'x-single-active-consumer': 'single active consumer (x-single-active-consumer)',
};

/** Queue arguments as amqplib sends them: `arguments` plus the options it promotes to `x-` arguments. */
export function queueArguments(options: Options.AssertQueue): Record<string, unknown> {
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

/** Checks a new queue's declaration as RabbitMQ does, and returns what the broker needs. */
export function queueSettings(name: string, declaration: QueueDeclaration): QueueSettings {
  const args = declaration.arguments;
  const invalid = (arg: string, reason: string) =>
    refuse.precondition(`invalid arg '${arg}' for queue '${name}' in vhost '/': ${reason}`);
  const integer = (arg: string): number | undefined => {
    const value = args[arg];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw invalid(arg, `"expected integer, got ${amqpTypeName(value)}"`);
    }
    if (value < 0) throw invalid(arg, `{value_negative,${value}}`);
    return value;
  };
  const text = (arg: string): string | undefined => {
    const value = args[arg];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalid(arg, `"expected string, got ${amqpTypeName(value)}"`);
    return value;
  };

  const type = text('x-queue-type') ?? 'classic';
  if (type !== 'classic' && type !== 'quorum') {
    if (type === 'stream') throw refuse.notModelled('stream queues');
    throw invalid('x-queue-type', `"unsupported queue type '${type}'"`);
  }
  if (type === 'quorum') {
    if (!declaration.durable) throw refuse.invalidProperty(name, 'non-durable');
    if (declaration.exclusive) throw refuse.invalidProperty(name, 'exclusive-owner');
    if (declaration.autoDelete) throw refuse.invalidProperty(name, 'auto-delete');
  }
  const overflow = text('x-overflow') ?? 'drop-head';
  if (overflow !== 'drop-head' && overflow !== 'reject-publish' && overflow !== 'reject-publish-dlx') {
    throw invalid('x-overflow', 'invalid_overflow');
  }
  const deadLetterExchange = text('x-dead-letter-exchange');
  const deadLetterRoutingKey = text('x-dead-letter-routing-key');
  if (deadLetterRoutingKey !== undefined && deadLetterExchange === undefined) {
    throw invalid('x-dead-letter-routing-key', 'routing_key_but_no_dlx_defined');
  }
  for (const [arg, what] of Object.entries(NOT_MODELLED)) {
    if (args[arg] !== undefined) throw refuse.notModelled(what);
  }
  // x-expires and x-queue-mode are accepted and ignored: in one process,
  // nothing idles long enough for expiry to matter, and lazy mode is storage.
  integer('x-expires');
  return {
    type,
    maxLength: integer('x-max-length'),
    overflow,
    deadLetterExchange,
    deadLetterRoutingKey,
    deliveryLimit: type === 'quorum' ? integer('x-delivery-limit') : undefined,
  };
}

/** Refuses a redeclaration that differs from the queue's, naming the first difference as RabbitMQ does. */
export function checkEquivalent(name: string, current: QueueDeclaration, received: QueueDeclaration): void {
  const flag = (arg: string, a: boolean, b: boolean) => {
    if (a !== b) throw refuse.inequivalent('queue', name, arg, `received '${b}' but current is '${a}'`);
  };
  flag('durable', current.durable, received.durable);
  flag('auto_delete', current.autoDelete, received.autoDelete);
  for (const arg of COMPARED_ARGUMENTS) {
    const had = current.arguments[arg];
    const got = received.arguments[arg];
    if (sameValue(had, got)) continue;
    const detail =
      got === undefined
        ? `received none but current is the value '${had}' of type '${amqpTypeName(had)}'`
        : had === undefined
          ? `received the value '${got}' of type '${amqpTypeName(got)}' but current is none`
          : `received '${got}' but current is '${had}'`;
    throw refuse.inequivalent('queue', name, arg, detail);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));
}

/** The AMQP field type amqplib encodes a value as, named as RabbitMQ names it. */
function amqpTypeName(value: unknown): string {
  if (typeof value === 'string') return 'longstr';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'double';
    if (value >= -128 && value < 128) return 'byte';
    if (value >= -0x8000 && value < 0x8000) return 'short';
    if (value >= -0x80000000 && value < 0x80000000) return 'signedint';
    return 'long';
  }
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'void';
  return 'table';
}
