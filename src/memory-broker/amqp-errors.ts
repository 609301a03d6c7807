/**
 * Errors shaped exactly as amqplib reports RabbitMQ's: the same message text,
 * `code`, `classId` and `methodId`, so code written against RabbitMQ (and its
 * tests) cannot tell the memory broker apart by its errors.
 */

/** AMQP reply codes the memory broker uses, with amqplib's names for them. */
export const ReplyCode = {
  CONNECTION_FORCED: 320,
  ACCESS_REFUSED: 403,
  NOT_FOUND: 404,
  RESOURCE_LOCKED: 405,
  PRECONDITION_FAILED: 406,
  COMMAND_INVALID: 503,
  NOT_ALLOWED: 530,
  NOT_IMPLEMENTED: 540,
} as const;
export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode];

const replyCodeNames: Record<ReplyCode, string> = {
  320: 'CONNECTION-FORCED',
  403: 'ACCESS-REFUSED',
  404: 'NOT-FOUND',
  405: 'RESOURCE-LOCKED',
  406: 'PRECONDITION-FAILED',
  503: 'COMMAND-INVALID',
  530: 'NOT-ALLOWED',
  540: 'NOT-IMPLEMENTED',
};

/** AMQP methods, by amqplib's name, with their class and method ids. */
export const AmqpMethod = {
  ExchangeDeclare: [40, 10],
  ExchangeDelete: [40, 20],
  ExchangeBind: [40, 30],
  ExchangeUnbind: [40, 40],
  QueueDeclare: [50, 10],
  QueueBind: [50, 20],
  QueuePurge: [50, 30],
  QueueDelete: [50, 40],
  QueueUnbind: [50, 50],
  BasicQos: [60, 10],
  BasicConsume: [60, 20],
  BasicCancel: [60, 30],
  BasicPublish: [60, 40],
  BasicGet: [60, 70],
  BasicAck: [60, 80],
  BasicReject: [60, 90],
  BasicRecover: [60, 110],
  BasicNack: [60, 120],
} as const satisfies Record<string, readonly [number, number]>;
export type AmqpMethodName = keyof typeof AmqpMethod;

/** An error as amqplib builds it from a server's close frame. */
export interface AmqpServerError extends Error {
  code: number;
  classId: number;
  methodId: number;
}

/**
 * What the server says when it closes a channel or connection: `text` is the
 * reply text as RabbitMQ writes it (`NOT_FOUND - no queue 'q' in vhost '/'`).
 */
export class ServerClose {
  constructor(
    readonly code: ReplyCode,
    readonly text: string,
    /** The operation that caused it; none for a connection the server closes on its own. */
    readonly method?: AmqpMethodName,
  ) {}

  private describe(): string {
    return `${this.code} (${replyCodeNames[this.code]}) with message "${this.text}"`;
  }

  /** The rejection of the operation that caused the close. */
  operationError(): AmqpServerError {
    return this.build(`Operation failed: ${this.method ?? 'unknown'}; ${this.describe()}`);
  }

  /** The `'error'` event on the channel the server closed. */
  channelError(): AmqpServerError {
    return this.build(`Channel closed by server: ${this.describe()}`);
  }

  /** The `'error'` event (and `'close'` argument) of a connection the server closed. */
  connectionError(): AmqpServerError {
    const error = new Error(`Connection closed: ${this.describe()}`) as AmqpServerError;
    error.code = this.code;
    return error;
  }

  private build(message: string): AmqpServerError {
    const error = new Error(message) as AmqpServerError;
    const [classId, methodId] = this.method ? AmqpMethod[this.method] : [0, 0];
    error.code = this.code;
    error.classId = classId;
    error.methodId = methodId;
    return error;
  }
}

/**
 * A broken rule of the broker, thrown inside an operation and turned into a
 * channel (or, for `connection: true`, connection) close by the caller.
 */
export class BrokerRefusal extends Error {
  constructor(
    readonly code: ReplyCode,
    readonly text: string,
    readonly scope: 'channel' | 'connection' = 'channel',
  ) {
    super(text);
  }
}

const VHOST = "in vhost '/'";

export const refuse = {
  noQueue: (name: string) => new BrokerRefusal(ReplyCode.NOT_FOUND, `NOT_FOUND - no queue '${name}' ${VHOST}`),
  noExchange: (name: string) => new BrokerRefusal(ReplyCode.NOT_FOUND, `NOT_FOUND - no exchange '${name}' ${VHOST}`),
  locked: (name: string) =>
    new BrokerRefusal(
      ReplyCode.RESOURCE_LOCKED,
      `RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '${name}' ${VHOST}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`,
    ),
  inequivalent: (what: 'queue' | 'exchange', name: string, arg: string, detail: string) =>
    new BrokerRefusal(
      ReplyCode.PRECONDITION_FAILED,
      `PRECONDITION_FAILED - inequivalent arg '${arg}' for ${what} '${name}' ${VHOST}: ${detail}`,
    ),
  invalidProperty: (name: string, property: string) =>
    new BrokerRefusal(ReplyCode.PRECONDITION_FAILED, `PRECONDITION_FAILED - invalid property '${property}' for queue '${name}' ${VHOST}`),
  precondition: (text: string) => new BrokerRefusal(ReplyCode.PRECONDITION_FAILED, `PRECONDITION_FAILED - ${text}`),
  unknownDeliveryTag: (tag: number) =>
    new BrokerRefusal(ReplyCode.PRECONDITION_FAILED, `PRECONDITION_FAILED - unknown delivery tag ${tag}`),
  reservedName: (what: 'queue' | 'exchange', name: string) =>
    new BrokerRefusal(ReplyCode.ACCESS_REFUSED, `ACCESS_REFUSED - ${what} name '${name}' contains reserved prefix 'amq.*'`),
  defaultExchange: () =>
    new BrokerRefusal(ReplyCode.ACCESS_REFUSED, `ACCESS_REFUSED - operation not permitted on the default exchange`),
  exclusiveUse: (name: string) =>
    new BrokerRefusal(ReplyCode.ACCESS_REFUSED, `ACCESS_REFUSED - queue '${name}' ${VHOST} in exclusive use`),
  reusedConsumerTag: (tag: string) =>
    new BrokerRefusal(ReplyCode.NOT_ALLOWED, `NOT_ALLOWED - attempt to reuse consumer tag '${tag}'`, 'connection'),
  unknownExchangeType: (type: string) =>
    new BrokerRefusal(ReplyCode.COMMAND_INVALID, `COMMAND_INVALID - unknown exchange type '${type}'`, 'connection'),
  notModelled: (what: string) =>
    new BrokerRefusal(ReplyCode.NOT_IMPLEMENTED, `NOT_IMPLEMENTED - the memory broker does not model ${what}`),
};
