import type { AmqpConfirmChannel, AmqpConnection, AmqpPublishOptions } from './amqp-api.js';
import { abandonConnection } from './amqplib-socket.js';
import { connectWithin } from './bounded-connect.js';
import type { BrokerAddress } from './broker-address.js';
import type { Deadline } from './deadline.js';

/** One message as it goes on the wire: the test kit's publisher builds it from fields and payload, a replay takes it from a recording. */
export interface SessionMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  /** Properties and headers, CC included. */
  readonly options: AmqpPublishOptions;
}

/** How a message fared on one session: confirmed, or caught in a lost connection (then it may be republished). */
export type SessionOutcome = { readonly kind: 'confirmed' } | { readonly kind: 'connection-lost'; readonly error: Error };

export interface SessionSettings {
  /** With `heartbeat` set; its password never shows. */
  readonly address: BrokerAddress;
  readonly connectionName: string;
  /** Bounds opening the connection and its confirm channel. */
  readonly connectTimeoutMs: number;
  /** Aborts an attempt to open in progress (the publisher closed). */
  readonly signal: AbortSignal;
}

/**
 * One connection and confirm channel of a `PulsePublisher`. It ends when the
 * connection is lost (`lost` resolves: unconfirmed messages may be
 * republished on another session) or when the broker closes the channel (a
 * refusal: the messages in it fail).
 */
export class PublisherSession {
  readonly #asserted = new Map<string, Promise<unknown>>();
  /** Set while the channel's write buffer is full: later publishes wait for 'drain'. */
  #draining: Promise<void> | undefined;
  #lostWith: Error | undefined;

  private constructor(
    private readonly connection: AmqpConnection,
    private readonly channel: AmqpConfirmChannel,
  ) {}

  /** Opens a session; `ended` runs once when it ends, whichever way. */
  static async open(settings: SessionSettings, ended: () => void): Promise<PublisherSession> {
    const connection = await connectWithin(
      settings.address,
      { noDelay: true, timeout: settings.connectTimeoutMs, clientProperties: { connection_name: settings.connectionName } },
      { timeoutMs: settings.connectTimeoutMs, signal: settings.signal },
    );
    // 'close' follows every 'error'.
    connection.on('error', () => undefined);
    const channelTimer = setTimeout(
      () => abandonConnection(connection, new Error(`no confirm channel within ${settings.connectTimeoutMs} ms`)),
      settings.connectTimeoutMs,
    );
    let channel: AmqpConfirmChannel;
    try {
      channel = await connection.createConfirmChannel();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(channelTimer);
    }
    const session = new PublisherSession(connection, channel);
    connection.on('close', (error) => {
      session.#lostWith = error ?? new Error('connection closed');
      ended();
    });
    channel.on('error', () => undefined);
    channel.on('close', () => {
      ended();
      // A channel the broker closed (say, a refused exchange) leaves its connection behind.
      connection.close().catch(() => undefined);
    });
    return session;
  }

  assertExchange(exchange: string): Promise<unknown> {
    let asserted = this.#asserted.get(exchange);
    if (!asserted) {
      // Taskcluster declares its exchanges so: durable topic exchanges.
      asserted = this.channel.assertExchange(exchange, 'topic', { durable: true, autoDelete: false, internal: false }).catch((error: unknown) => {
        this.#asserted.delete(exchange);
        throw new Error(`${exchange}: could not declare the exchange (${describe(error)})`);
      });
      this.#asserted.set(exchange, asserted);
    }
    return asserted;
  }

  /**
   * Declares the exchange if needed, publishes, and waits for the broker's
   * confirm. Rejects if the broker refuses the message (a nack, a channel
   * error); a lost connection is an outcome, not an error.
   */
  async publish(message: SessionMessage): Promise<SessionOutcome> {
    try {
      await this.assertExchange(message.exchange);
      await this.#draining;
      await this.#publishConfirmed(message);
      return { kind: 'confirmed' };
    } catch (error) {
      if (this.#lostWith) return { kind: 'connection-lost', error: this.#lostWith };
      throw error;
    }
  }

  /** Closes the connection; drops it if the broker does not confirm by `deadline`. */
  async close(deadline: Deadline): Promise<void> {
    if (!(await deadline.settles(this.connection.close()))) {
      abandonConnection(this.connection, new Error('the broker did not confirm closing the connection in time'));
    }
  }

  #publishConfirmed(message: SessionMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const buffered = !this.channel.publish(
        message.exchange,
        message.routingKey,
        message.content,
        message.options,
        (error) => {
          if (!error) return resolve();
          // amqplib fails unconfirmed messages while the channel closes, just
          // before the connection's 'close' says whether it was lost.
          void Promise.resolve().then(() => reject(new Error(`${message.exchange}: the broker did not confirm the message (${describe(error)})`)));
        },
      );
      // The message is queued anyway; later ones wait until the buffer drains.
      if (buffered && !this.#draining) this.#draining = this.#drained();
    });
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#draining = undefined;
        this.channel.removeListener('drain', done);
        this.channel.removeListener('close', done);
        resolve();
      };
      this.channel.once('drain', done);
      this.channel.once('close', done);
    });
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
