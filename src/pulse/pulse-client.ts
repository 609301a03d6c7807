import { EventEmitter } from 'eventemitter3';
import type { Observable } from 'rxjs';
import type { AmqpChannel, AmqpConnection } from './amqp-api.js';
import { backoffDelay } from './backoff.js';
import type { BrokerAddress } from './broker-address.js';
import { optionsFromEnv, resolveClientOptions, type PulseClientOptions, type ResolvedClientOptions } from './client-options.js';
import { abandonConnection } from './amqplib-socket.js';
import { connectWithin } from './bounded-connect.js';
import { ClientLog } from './client-log.js';
import { classifyConnectFailure } from './connect-failure.js';
import { consumeStream, type ConsumeHandler, type ConsumeOptions, type ConsumeOutcome } from './consume-stream.js';
import { listenStream, type ListenOptions } from './listen-stream.js';
import { emitIsolated } from './isolated-emit.js';
import { ClientClosedError, ConnectionFailedError } from './pulse-errors.js';
import type { BindingIn, Bindings, MessageOf } from './pulse-message.js';
import type { ConnectionHandle, ConsumerHost, QueueConsumer } from './queue-consumer.js';
import { Deadline } from './deadline.js';
import { sleep } from './sleep.js';

/** Lifecycle events of a `PulseClient`. */
export interface PulseClientEvents {
  /** A connection is open (first or after a reconnection). `url` has its password redacted, as in every event. */
  connected: (info: { readonly url: string; readonly connectionName: string }) => void;
  /** The connection dropped; live subscriptions will resume on the next one. */
  disconnected: (info: { readonly url: string; readonly error: Error | undefined }) => void;
  /** A connection attempt failed; the next one follows after `delayMs`. */
  reconnecting: (info: { readonly attempt: number; readonly delayMs: number; readonly error: Error }) => void;
  /**
   * Something a long-running bot should log: a malformed or unbound message,
   * an ack after its channel closed, a cancelled consumer, a channel error, a
   * handler giving up on a message. The client carries on.
   */
  error: (error: Error) => void;
  /** A subscription is consuming from `queue` (again, if `resumed`: after a reconnection, channel error or cancel). */
  consuming: (info: { readonly queue: string; readonly consumerTag: string; readonly resumed: boolean }) => void;
  /** The broker stopped reading from this connection (e.g. it is low on memory or disk). */
  blocked: (reason: string) => void;
  unblocked: () => void;
}

/** Queue depth as the broker reports it. */
export interface QueueStatus {
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
}

/**
 * One managed broker connection for listening, reconnected with backoff and
 * jitter whenever it drops. Every subscription gets a channel of its own and
 * resumes by itself after a reconnection.
 */
export class PulseClient extends EventEmitter<PulseClientEvents> {
  readonly #options: ResolvedClientOptions;
  readonly #log: ClientLog;
  #current: LiveConnection | undefined;
  #connecting: Promise<LiveConnection> | undefined;
  #connectionCount = 0;
  #urlIndex = 0;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #abort = new AbortController();
  readonly #consumers = new Set<QueueConsumer>();
  readonly #host: ConsumerHost;

  constructor(options: PulseClientOptions) {
    super();
    this.#options = resolveClientOptions(options);
    this.#log = new ClientLog(this.#options.logger, () => this.listenerCount('error') > 0, (text) => this.#redact(text));
    this.#host = {
      backoff: this.#options.reconnect,
      connectionName: this.#options.connectionName,
      closeTimeoutMs: this.#options.closeTimeoutMs,
      acquireConnection: () => this.#acquire(),
      report: (error) => this.#report(error),
      consuming: (info) => this.emit('consuming', info),
      unregister: (consumer) => {
        this.#consumers.delete(consumer);
        if (this.#consumers.size === 0 && this.#options.releaseWhenIdle && !this.#closed) void this.#release('idle');
      },
    };
  }

  /**
   * A client configured from `PULSE_URL`, or `PULSE_USERNAME`/`PULSE_PASSWORD`/
   * `PULSE_HOSTNAME`/`PULSE_VHOST` (amqps on 5671); a local broker as guest
   * when none is set. `overrides` adds options such as `namespace`.
   */
  static fromEnv(overrides: Omit<PulseClientOptions, 'url' | 'urls' | 'username' | 'password' | 'hostname' | 'vhost'> = {}, env: Readonly<Record<string, string | undefined>> = process.env): PulseClient {
    return new PulseClient({ ...optionsFromEnv(env), ...overrides });
  }

  /** Prefix of this client's queues and exchanges: `queue/<namespace>/...`. */
  get namespace(): string {
    return this.#options.namespace;
  }

  /** The name this client's connections carry on the broker. */
  get connectionName(): string {
    return this.#options.connectionName;
  }

  /** Broker URLs with passwords redacted. */
  get urls(): readonly string[] {
    return this.#options.addresses.map((address) => address.display);
  }

  /** What `JSON.stringify` shows: the redacted URLs and the state, never a password (nor the listener table). */
  toJSON(): { readonly urls: readonly string[]; readonly namespace: string; readonly connectionName: string; readonly connected: boolean; readonly closed: boolean } {
    return { urls: this.urls, namespace: this.namespace, connectionName: this.connectionName, connected: this.connected, closed: this.closed };
  }

  get connected(): boolean {
    return !!this.#current && !this.#current.lost;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Messages on the bindings' exchanges, as a cold observable: subscribing
   * declares the queue, binds every binding and starts a consumer;
   * unsubscribing cancels it. With `ack: 'auto'` (default) each message is
   * acknowledged once delivered to the subscriber; with `'manual'` call
   * `message.ack()`. For at-least-once processing use `consume()`.
   */
  listen<const B extends Bindings>(bindings: B, options: ListenOptions = {}): Observable<MessageOf<BindingIn<B>>> {
    return listenStream(this.#context(), bindings, options) as unknown as Observable<MessageOf<BindingIn<B>>>;
  }

  /**
   * At-least-once processing: runs `handler` for each message with bounded
   * concurrency, acks after it succeeds, requeues on failure, and after
   * `maxDeliveries` dead-letters (or drops) the message with an `error` event.
   * Emits one outcome per handled message; unsubscribing stops consuming.
   */
  consume<const B extends Bindings, R = unknown>(
    bindings: B,
    handler: ConsumeHandler<MessageOf<BindingIn<B>>, R>,
    options: ConsumeOptions = {},
  ): Observable<ConsumeOutcome<MessageOf<BindingIn<B>>, R>> {
    return consumeStream(this.#context(), bindings, handler as ConsumeHandler<never, R>, options) as unknown as Observable<ConsumeOutcome<MessageOf<BindingIn<B>>, R>>;
  }

  /** Depth of one of this client's named queues (`queue/<namespace>/<queueName>`). */
  async queueStatus(queueName: string): Promise<QueueStatus> {
    return this.#withChannel(async (channel) => {
      const reply = await channel.checkQueue(this.#fullQueueName(queueName));
      return { queue: reply.queue, messageCount: reply.messageCount, consumerCount: reply.consumerCount };
    });
  }

  /** Deletes one of this client's named queues, e.g. after changing its bindings or arguments. */
  async deleteQueue(queueName: string): Promise<{ readonly messageCount: number }> {
    return this.#withChannel((channel) => channel.deleteQueue(this.#fullQueueName(queueName)));
  }

  /**
   * Stops taking messages, waits for in-flight handlers and unsettled messages,
   * completes every stream and closes the connection, all within
   * `closeTimeoutMs`: a connection attempt in progress is abandoned, and a
   * connection that does not answer in time is dropped.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // One deadline for every step, so that slow steps cannot add up.
    const deadline = Deadline.after(this.#options.closeTimeoutMs);
    this.#closed = true;
    this.#abort.abort(new ClientClosedError());
    await Promise.all([...this.#consumers].map((consumer) => consumer.stop({ complete: true, deadline })));
    await this.#release('close', deadline);
  }

  #context() {
    return {
      host: this.#host,
      namespace: this.#options.namespace,
      closed: () => this.#closed,
      register: (consumer: QueueConsumer) => {
        if (this.#closed) throw new ClientClosedError();
        this.#consumers.add(consumer);
      },
      report: (error: Error) => this.#report(error),
    };
  }

  #fullQueueName(queueName: string): string {
    return queueName.startsWith('queue/') ? queueName : `queue/${this.#options.namespace}/${queueName}`;
  }

  async #withChannel<T>(work: (channel: AmqpChannel) => Promise<T>): Promise<T> {
    const { connection } = await this.#acquire();
    const channel = await connection.createChannel();
    // A failed operation closes the channel with an error event; the rejection carries it.
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await Promise.resolve()
        .then(() => channel.close())
        .catch(() => undefined);
      if (this.#consumers.size === 0 && this.#options.releaseWhenIdle) await this.#release('idle');
    }
  }

  /**
   * Emits to each listener in turn, like EventEmitter, but a listener that
   * throws cannot break the client or stop the others: its exception is
   * logged, not re-emitted (an `error` listener that throws would loop).
   * Every event also goes to the logger.
   */
  override emit<T extends EventEmitter.EventNames<PulseClientEvents>>(event: T, ...args: EventEmitter.EventArgs<PulseClientEvents, T>): boolean {
    this.#log.event(event, args);
    return emitIsolated(this as EventEmitter, event, args, (fault) => this.#log.listenerFailed(event, fault));
  }

  #report(error: Error): void {
    this.emit('error', this.#redactError(error));
  }

  #redactError<E extends Error>(error: E): E {
    const redacted = this.#redact(error.message);
    if (redacted !== error.message) error.message = redacted;
    // The stack starts with the message as it was at construction.
    if (error.stack) error.stack = this.#redact(error.stack);
    return error;
  }

  /** `text` without any form of any of the brokers' passwords. */
  #redact(text: string): string {
    return this.#options.addresses.reduce((redacted, address) => address.redact(redacted), text);
  }

  /** The live connection, opening one (with backoff across the URLs) if needed. */
  #acquire(): Promise<ConnectionHandle> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    if (this.#current && !this.#current.lost) return Promise.resolve(this.#current);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<LiveConnection> {
    const { addresses, reconnect } = this.#options;
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new ClientClosedError();
      const address = addresses[this.#urlIndex % addresses.length]!;
      try {
        const connection = await connectWithin(
          address,
          { noDelay: true, timeout: this.#options.connectTimeoutMs, clientProperties: { connection_name: this.#options.connectionName } },
          { timeoutMs: this.#options.connectTimeoutMs, signal: this.#abort.signal },
        );
        if (this.#closed) {
          await connection.close().catch(() => undefined);
          throw new ClientClosedError();
        }
        return this.#adopt(connection, address);
      } catch (caught) {
        if (caught instanceof ClientClosedError) throw caught;
        const cause = this.#redactError(caught instanceof Error ? caught : new Error(String(caught)));
        const failure = classifyConnectFailure(cause, address);
        if (failure.permanent) throw this.#gaveUp(`broker ${address.display}: ${failure.description}`, cause, failure.permanent);
        if (attempt >= reconnect.maxAttempts) {
          const tried = addresses.map((a) => a.display).join(', ');
          throw this.#gaveUp(`could not connect to ${tried} after ${attempt} attempts (reconnect.maxAttempts): ${failure.description}`, cause, 'attempts-exhausted');
        }
        this.#urlIndex++;
        const delayMs = backoffDelay(reconnect, attempt);
        const error = failure.description === cause.message ? cause : new Error(failure.description, { cause });
        this.emit('reconnecting', { attempt, delayMs, error });
        await sleep(delayMs, this.#abort.signal);
      }
    }
  }

  #gaveUp(message: string, cause: Error, reason: ConnectionFailedError['reason']): ConnectionFailedError {
    const error = new ConnectionFailedError(message, { cause, reason });
    this.#log.connectionFailed(error);
    return error;
  }

  #adopt(connection: AmqpConnection, address: BrokerAddress): LiveConnection {
    const url = address.display;
    let markClosed!: (error: Error | undefined) => void;
    const live: LiveConnection = {
      connection,
      id: ++this.#connectionCount,
      url,
      lost: false,
      closed: new Promise((resolve) => {
        markClosed = resolve;
      }),
    };
    connection.on('error', () => {
      // Always followed by 'close', which carries the same error.
    });
    connection.on('close', (error) => {
      if (live.lost) return;
      live.lost = true;
      markClosed(error);
      if (this.#current === live) this.#current = undefined;
      if (!live.released) this.emit('disconnected', { url, error: error ? this.#redactError(error) : undefined });
    });
    connection.on('blocked', (reason) => this.emit('blocked', reason));
    connection.on('unblocked', () => this.emit('unblocked'));
    this.#current = live;
    this.emit('connected', { url, connectionName: this.#options.connectionName });
    return live;
  }

  /**
   * Closes the current connection on purpose: the client closed, or (idle)
   * nothing uses it. A connection that does not confirm the close by the
   * deadline (a dead link) is dropped.
   */
  async #release(reason: 'close' | 'idle', deadline = Deadline.after(this.#options.closeTimeoutMs)): Promise<void> {
    // On close, the aborted attempt settles at once.
    const pending = this.#connecting;
    if (pending) await deadline.settles(pending);
    // A subscription may have started while the connection was being opened: then it is not idle.
    if (reason === 'idle' && this.#consumers.size > 0) return;
    const live = this.#current;
    if (!live) return;
    this.#current = undefined;
    live.released = true;
    if (!(await deadline.settles(live.connection.close()))) {
      abandonConnection(live.connection, new Error(`the broker did not confirm closing the connection within ${this.#options.closeTimeoutMs} ms`));
    }
  }
}

interface LiveConnection extends ConnectionHandle {
  readonly url: string;
  lost: boolean;
  released?: boolean;
}

