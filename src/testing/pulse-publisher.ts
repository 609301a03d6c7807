import { randomBytes } from 'node:crypto';
import type { AmqpConfirmChannel, AmqpConnection } from '../pulse/amqp-api.js';
import { BrokerAddress } from '../pulse/broker-address.js';
import { checkScheme, openConnection } from '../pulse/connectors.js';
import type { ExchangeReference, JsonSchemaDocument } from '../references/types.js';
import { MessageValidator, packageValidator } from './message-validator.js';
import type {
  EntryOf,
  ExchangeNameOf,
  ExchangeSource,
  PublishedPulseMessage,
  PublishFields,
  PublishInput,
  PublishPayload,
} from './publish-types.js';
import { schemaMap } from '../schemas/schema-source.js';
import { exchangeName, PULSE_MESSAGE_BYTES, TASKCLUSTER_PUBLISH_OPTIONS, wireMessage, type LooseInput } from './wire-message.js';

export interface PulsePublisherOptions {
  /**
   * The broker: `amqp://guest:guest@localhost:5672` (e.g. docker-compose),
   * `memory://` for the embedded broker. The password may hold reserved
   * characters unencoded (the userinfo ends at the last `@`); it shows as
   * `***` in every message.
   */
  readonly url: string | BrokerAddress;
  /** Check payloads against the exchange's message schema. Default true. */
  readonly validate?: boolean;
  /**
   * Schemas by canonical path, e.g. `(await fetchReferences(rootUrl)).schemas`.
   * Default: the schemas shipped with this package.
   */
  readonly schemas?: ReadonlyMap<string, JsonSchemaDocument>;
  /** Refuse larger messages. Default 8192, Pulse's guidance; `Infinity` turns the check off. */
  readonly maxMessageBytes?: number;
  /** Shown by the broker (`rabbitmqctl list_connections client_properties`). */
  readonly connectionName?: string;
}

interface Session {
  readonly connection: AmqpConnection;
  readonly channel: AmqpConfirmChannel;
  readonly asserted: Map<string, Promise<unknown>>;
  /** Set while the channel's write buffer is full: later publishes wait for 'drain'. */
  draining: Promise<void> | undefined;
}

/**
 * Publishes messages onto Taskcluster exchanges exactly as Taskcluster's
 * services do, to drive a bot in tests: on the RabbitMQ from
 * docker-compose.yml or on the embedded `memory://` broker.
 *
 * ```ts
 * const publisher = new PulsePublisher({ url: 'memory://' });
 * await publisher.publish(QueueEvents, 'taskCompleted', { fields, payload, routes: ['index.my.task'] });
 * ```
 *
 * Each message: routing key from `fields` (constants filled in, `_` for
 * missing optional entries, at most 255 bytes), CC `route.<route>` for each
 * task route, persistent, `application/json` in `utf-8`, payload checked
 * against the exchange's schema, at most 8 KiB, published on a confirm
 * channel after asserting the exchange (a durable topic exchange). `publish`
 * resolves once the broker has confirmed the message; bad input is refused
 * before any network I/O.
 */
export class PulsePublisher {
  /** Private (#) so that util.inspect and JSON.stringify never reach the password. */
  readonly #address: BrokerAddress;
  private readonly validator: MessageValidator | undefined;
  private readonly maxMessageBytes: number;
  private readonly connectionName: string;
  private session: Promise<Session> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: PulsePublisherOptions) {
    const url = options?.url;
    this.#address = url instanceof BrokerAddress ? url : BrokerAddress.parse(url, 'url');
    checkScheme(this.#address, 'url');
    const maxMessageBytes = options.maxMessageBytes ?? PULSE_MESSAGE_BYTES;
    if (!(maxMessageBytes > 0)) throw new TypeError('PulsePublisher: maxMessageBytes must be a positive number (or Infinity)');
    this.maxMessageBytes = maxMessageBytes;
    this.validator = options.validate === false ? undefined : options.schemas ? new MessageValidator(schemaMap(options.schemas)) : packageValidator();
    this.connectionName = options.connectionName ?? `taskcluster-pulse-publisher-${randomBytes(4).toString('hex')}`;
  }

  /**
   * Publishes one message on the named exchange of `source`: a generated
   * Events class such as `QueueEvents` (fields and payload typed) or an
   * exchange reference (fields typed if it is a literal; payload checked at
   * run time). Resolves with what went on the wire once the broker confirms.
   */
  publish<S extends ExchangeSource, K extends ExchangeNameOf<S>>(
    source: S,
    name: K,
    input: PublishInput<PublishFields<EntryOf<S, K>>, PublishPayload<S, K>>,
  ): Promise<PublishedPulseMessage> {
    const published = this.send(source, name, input);
    this.inFlight.add(published);
    const forget = () => this.inFlight.delete(published);
    published.then(forget, forget);
    return published;
  }

  /**
   * Declares exchanges as a Taskcluster deployment has them (durable topic
   * exchanges), so that a bot can bind its queue before the first message is
   * published: all of `source`'s exchanges, or those named. Returns the full
   * exchange names.
   */
  async declareExchanges<S extends ExchangeSource>(
    source: S,
    names?: readonly ExchangeNameOf<S>[],
    options: { readonly exchangePrefix?: string } = {},
  ): Promise<string[]> {
    if (this.closed) throw new Error('PulsePublisher is closed');
    const reference = referenceOf(source);
    const wanted: readonly string[] = names ?? reference.entries.map((entry) => entry.name);
    const exchanges = wanted.map((name) => exchangeName(reference, name, options.exchangePrefix));
    const session = await this.currentSession();
    await Promise.all(exchanges.map((exchange) => this.assertExchange(session, exchange)));
    return exchanges;
  }

  /** Waits for messages being published, then closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    const opened = await session.catch(() => undefined);
    await opened?.connection.close().catch(() => undefined);
  }

  private async send(source: ExchangeSource, name: string, input: LooseInput): Promise<PublishedPulseMessage> {
    if (this.closed) throw new Error('PulsePublisher is closed');
    const message = wireMessage(referenceOf(source), name, input, { validator: this.validator, maxMessageBytes: this.maxMessageBytes });
    const session = await this.currentSession();
    await this.assertExchange(session, message.exchange);
    await session.draining;
    await new Promise<void>((resolve, reject) => {
      const buffered = !session.channel.publish(
        message.exchange,
        message.routingKey,
        message.content,
        // Taskcluster always sends the CC header, empty when a task has no routes.
        { ...TASKCLUSTER_PUBLISH_OPTIONS, CC: [...message.cc] },
        (error) => {
          if (!error) resolve();
          else reject(new Error(`${message.exchange}: the broker did not confirm the message (${describe(error)})`));
        },
      );
      // The message is queued anyway; later ones wait until the buffer drains.
      if (buffered && !session.draining) session.draining = this.drained(session);
    });
    return message;
  }

  private drained(session: Session): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        session.draining = undefined;
        session.channel.removeListener('drain', done);
        session.channel.removeListener('close', done);
        resolve();
      };
      session.channel.once('drain', done);
      session.channel.once('close', done);
    });
  }

  private assertExchange(session: Session, exchange: string): Promise<unknown> {
    let asserted = session.asserted.get(exchange);
    if (!asserted) {
      // Taskcluster declares its exchanges so: durable topic exchanges.
      asserted = session.channel.assertExchange(exchange, 'topic', { durable: true, autoDelete: false, internal: false }).catch((error: unknown) => {
        session.asserted.delete(exchange);
        throw new Error(`${exchange}: could not declare the exchange (${describe(error)})`);
      });
      session.asserted.set(exchange, asserted);
    }
    return asserted;
  }

  private currentSession(): Promise<Session> {
    if (!this.session) {
      // A lost connection or channel ends the session; the next publish opens another.
      const opening: Promise<Session> = this.open(() => {
        if (this.session === opening) this.session = undefined;
      });
      this.session = opening;
    }
    return this.session;
  }

  private async open(end: () => void): Promise<Session> {
    let connection: AmqpConnection;
    try {
      connection = await openConnection(this.#address, { noDelay: true, clientProperties: { connection_name: this.connectionName } });
    } catch (error) {
      end();
      throw new Error(`PulsePublisher: cannot connect to ${this.#address.display}: ${this.#address.redact(describe(error))}`);
    }
    // 'close' follows every 'error'.
    connection.on('error', () => undefined);
    connection.on('close', end);
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        end();
        // A channel the broker closed (say, a refused exchange) leaves its connection behind.
        connection.close().catch(() => undefined);
      });
      return { connection, channel, asserted: new Map(), draining: undefined };
    } catch (error) {
      end();
      await connection.close().catch(() => undefined);
      throw error;
    }
  }
}

function referenceOf(source: ExchangeSource): ExchangeReference {
  return typeof source === 'function' ? source.reference : source;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
