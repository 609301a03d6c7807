import { randomBytes } from 'node:crypto';
import { BrokerAddress } from '../pulse/broker-address.js';
import { checkScheme } from '../pulse/connectors.js';
import { Deadline } from '../pulse/deadline.js';
import { sleep } from '../pulse/sleep.js';
import type { ExchangeReference, JsonSchemaDocument } from '../references/types.js';
import { MessageValidator, packageValidator } from './message-validator.js';
import { PublishNotConfirmedError } from './publish-not-confirmed-error.js';
import { describe, PublisherSession, type SessionOutcome } from '../pulse/publisher-session.js';
import { resolvePublisherTimeouts, type PublisherTimeouts } from './publisher-timeouts.js';
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
  /** Bounds opening a connection, AMQP handshake and confirm channel included. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Bounds each `publish()`, from the call to the broker's confirm, through
   * reconnections: when it passes, `publish()` rejects with a
   * `PublishNotConfirmedError`. Default 60 s: more than noticing a dead link
   * (2 heartbeats) and reconnecting take by default.
   */
  readonly confirmTimeoutMs?: number;
  /** How long `close()` waits for messages in flight and for the broker to close. Default 10 s. */
  readonly closeTimeoutMs?: number;
  /** Heartbeat interval; a silent link is declared dead after 2 intervals. 0 disables. Default 20. */
  readonly heartbeatSeconds?: number;
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
  private readonly timeouts: PublisherTimeouts;
  private session: Promise<PublisherSession> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Aborted when `close()` stops waiting: pending publishes and connection attempts end. */
  private readonly abandon = new AbortController();
  /** Publishes waiting for their outcome; a set, not abort listeners: there may be thousands. */
  private readonly waiting = new Set<() => void>();

  constructor(options: PulsePublisherOptions) {
    const url = options?.url;
    this.#address = url instanceof BrokerAddress ? url : BrokerAddress.parse(url, 'url');
    checkScheme(this.#address, 'url');
    const maxMessageBytes = options.maxMessageBytes ?? PULSE_MESSAGE_BYTES;
    if (!(maxMessageBytes > 0)) throw new TypeError('PulsePublisher: maxMessageBytes must be a positive number (or Infinity)');
    this.maxMessageBytes = maxMessageBytes;
    this.validator = options.validate === false ? undefined : options.schemas ? new MessageValidator(schemaMap(options.schemas)) : packageValidator();
    this.connectionName = options.connectionName ?? `taskcluster-pulse-publisher-${randomBytes(4).toString('hex')}`;
    this.timeouts = resolvePublisherTimeouts(options);
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
    const declared = this.currentSession().then((session) => Promise.all(exchanges.map((exchange) => session.assertExchange(exchange))));
    const outcome = await this.bounded(declared, Deadline.after(this.timeouts.confirmTimeoutMs));
    if (outcome === 'timeout' || outcome === 'closed') {
      throw new Error(`PulsePublisher: ${outcome === 'timeout' ? `could not declare ${exchanges.join(', ')} within ${this.timeouts.confirmTimeoutMs} ms` : 'closed while declaring exchanges'}`);
    }
    return exchanges;
  }

  /**
   * Waits for messages being published, then closes the connection, all
   * within `closeTimeoutMs`. Messages still unconfirmed then reject with a
   * `PublishNotConfirmedError`.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const deadline = Deadline.after(this.timeouts.closeTimeoutMs);
    this.closed = true;
    await deadline.within(Promise.allSettled([...this.inFlight]));
    this.abandon.abort(new Error('PulsePublisher is closed'));
    for (const giveUp of [...this.waiting]) giveUp();
    const session = this.session;
    this.session = undefined;
    const opened = await deadline.within(session?.catch(() => undefined) ?? Promise.resolve(undefined));
    await opened?.close(deadline);
  }

  private async send(source: ExchangeSource, name: string, input: LooseInput): Promise<PublishedPulseMessage> {
    if (this.closed) throw new Error('PulsePublisher is closed');
    const message = wireMessage(referenceOf(source), name, input, { validator: this.validator, maxMessageBytes: this.maxMessageBytes });
    const deadline = Deadline.after(this.timeouts.confirmTimeoutMs);
    const notConfirmed = (reason: 'timeout' | 'closed', cause: Error | undefined) =>
      new PublishNotConfirmedError(
        message.exchange,
        message.routingKey,
        reason,
        reason === 'timeout' ? `not confirmed by the broker within ${this.timeouts.confirmTimeoutMs} ms` : 'the publisher closed before the broker confirmed the message',
        cause ? { cause } : {},
      );
    let lastLoss: Error | undefined;
    // At least once: a message caught in a lost connection goes out again on the next one.
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.bounded(this.attempt(message, attempt), deadline);
      if (outcome === 'timeout' || outcome === 'closed') throw notConfirmed(outcome, lastLoss);
      if (outcome.kind === 'confirmed') return message;
      lastLoss = outcome.error;
    }
  }

  /** One try on the current session; after a lost connection, a failure to reconnect is a loss too, retried after a pause. */
  private async attempt(message: PublishedPulseMessage, attempt: number): Promise<SessionOutcome> {
    let session: PublisherSession;
    try {
      session = await this.currentSession();
    } catch (error) {
      if (attempt === 1) throw error;
      await sleep(Math.min(100 * 2 ** attempt, 2_000), this.abandon.signal);
      return { kind: 'connection-lost', error: error as Error };
    }
    // Taskcluster always sends the CC header, empty when a task has no routes.
    return session.publish({ ...message, options: { ...TASKCLUSTER_PUBLISH_OPTIONS, CC: [...message.cc] } });
  }

  /** `step`'s outcome, unless the deadline passes or the publisher gives up first. */
  private bounded<T>(step: Promise<T>, deadline: Deadline): Promise<T | 'timeout' | 'closed'> {
    // The losing step runs on: it must not become an unhandled rejection.
    step.catch(() => undefined);
    if (this.abandon.signal.aborted) return Promise.resolve('closed');
    return new Promise((resolve, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        this.waiting.delete(giveUp);
        outcome();
      };
      const giveUp = () => settle(() => resolve('closed'));
      const timer = setTimeout(() => settle(() => resolve('timeout')), deadline.remainingMs);
      this.waiting.add(giveUp);
      step.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  private currentSession(): Promise<PublisherSession> {
    if (!this.session) {
      // A lost connection or channel ends the session; the next publish opens another.
      const opening: Promise<PublisherSession> = this.open(() => {
        if (this.session === opening) this.session = undefined;
      });
      this.session = opening;
    }
    return this.session;
  }

  private async open(end: () => void): Promise<PublisherSession> {
    try {
      return await PublisherSession.open(
        {
          address: this.#address.withDefault('heartbeat', this.timeouts.heartbeatSeconds),
          connectionName: this.connectionName,
          connectTimeoutMs: this.timeouts.connectTimeoutMs,
          signal: this.abandon.signal,
        },
        end,
      );
    } catch (error) {
      end();
      throw new Error(`PulsePublisher: cannot connect to ${this.#address.display}: ${this.#address.redact(describe(error))}`);
    }
  }
}

function referenceOf(source: ExchangeSource): ExchangeReference {
  return typeof source === 'function' ? source.reference : source;
}
