import { EventEmitter } from 'eventemitter3';
import type { Observable } from 'rxjs';
import type { PulseClientEvents } from './client-events.js';
import { ClientLog } from './client-log.js';
import { optionsFromEnv, resolveClientOptions, type PulseClientOptions, type ResolvedClientOptions } from './client-options.js';
import { ClientSubscriptions } from './client-subscriptions.js';
import { ConnectionManager } from './connection-manager.js';
import { consumeStream, type ConsumeHandler, type ConsumeOptions, type ConsumeOutcome } from './consume-stream.js';
import { Deadline } from './deadline.js';
import type { PulseHealth } from './health/client-health.js';
import { emitIsolated } from './isolated-emit.js';
import { listenStream, type ListenOptions } from './listen-stream.js';
import { PasswordRedactor } from './password-redactor.js';
import type { BindingIn, Bindings, MessageOf } from './pulse-message.js';
import { deleteQueue, queueStatus, type QueueStatus, type RetryQueueNaming } from './queue-admin.js';

export type { PulseClientEvents } from './client-events.js';

export type { QueueStatus } from './queue-admin.js';

/**
 * One managed broker connection for listening, reconnected with backoff and
 * jitter whenever it drops. Every subscription gets a channel of its own and
 * resumes by itself after a reconnection.
 */
export class PulseClient extends EventEmitter<PulseClientEvents> {
  readonly #options: ResolvedClientOptions;
  readonly #log: ClientLog;
  readonly #redactor: PasswordRedactor;
  readonly #connections: ConnectionManager;
  #closing: Promise<void> | undefined;
  /** Live subscriptions, their health, queue depths and metrics. */
  readonly #subscriptions: ClientSubscriptions;

  constructor(options: PulseClientOptions) {
    super();
    this.#options = resolveClientOptions(options);
    this.#redactor = new PasswordRedactor(this.#options.addresses);
    this.#log = new ClientLog(this.#options.logger, () => this.listenerCount('error') > 0, (text) => this.#redactor.text(text));
    this.#connections = new ConnectionManager(this.#options, {
      events: this,
      log: this.#log,
      redactor: this.#redactor,
      inUse: () => this.#subscriptions.live > 0,
    });
    this.#subscriptions = new ClientSubscriptions(this.#options, this.#connections, {
      host: {
        backoff: this.#options.reconnect,
        connectionName: this.#options.connectionName,
        closeTimeoutMs: this.#options.closeTimeoutMs,
        acquireConnection: () => this.#connections.acquire(),
        report: (error) => this.#report(error),
        consuming: (info) => this.emit('consuming', info),
        broker: this.#options.addresses[0],
        unbound: (info) => this.emit('unbound', info),
        handover: (info) => this.emit('handover', info),
      },
      closed: () => this.closed,
      depthChanged: (event) => this.emit('queue-depth', event),
      report: (error) => this.#report(error),
    });
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
    return this.#connections.connected;
  }

  get closed(): boolean {
    return this.#connections.isShutDown;
  }

  /**
   * Messages on the bindings' exchanges, as a cold observable: subscribing
   * declares the queue, binds every binding and starts a consumer;
   * unsubscribing cancels it. With `ack: 'auto'` (default) each message is
   * acknowledged once delivered to the subscriber; with `'manual'` call
   * `message.ack()`. For at-least-once processing use `consume()`.
   */
  listen<const B extends Bindings>(bindings: B, options: ListenOptions = {}): Observable<MessageOf<BindingIn<B>>> {
    return listenStream(this.#subscriptions.streams, bindings, options) as unknown as Observable<MessageOf<BindingIn<B>>>;
  }

  /**
   * At-least-once processing: runs `handler` for each message with bounded
   * concurrency (a handler past `handlerTimeoutMs` counts as failed), acks
   * after it succeeds, requeues on failure after `retryDelayMs` (holding no
   * slot meanwhile), and after `maxDeliveries` dead-letters (or drops) the
   * message with an `error` event. Emits one outcome per message. Aborting
   * `signal` (or `close()`) drains: running handlers finish, every other held
   * message is requeued with a `released` outcome, then the stream completes;
   * unsubscribing reports each such message as a `MessageReleasedError` instead.
   * `until` ends the stream the same way once an outcome meets a condition.
   */
  consume<const B extends Bindings, R = unknown>(
    bindings: B,
    handler: ConsumeHandler<MessageOf<BindingIn<B>>, R>,
    options: ConsumeOptions<MessageOf<BindingIn<B>>, NoInfer<R>> = {},
  ): Observable<ConsumeOutcome<MessageOf<BindingIn<B>>, R>> {
    return consumeStream(this.#subscriptions.streams, bindings, handler as ConsumeHandler<never, R>, options as ConsumeOptions<never, R>) as unknown as Observable<ConsumeOutcome<MessageOf<BindingIn<B>>, R>>;
  }

  /** Depth of one of this client's named queues (`queue/<namespace>/<queueName>`). */
  queueStatus(queueName: string): Promise<QueueStatus> {
    return queueStatus(this.#connections, this.#fullQueueName(queueName));
  }

  /**
   * The client's health: connected, each subscription consuming or not, when
   * the last message came, queue depths against `queueDepth`'s limits, and an
   * overall `status` (see `PulseHealth`). Holds no URL or credential. For a
   * probe endpoint, see `startHealthServer`.
   */
  health(): PulseHealth {
    return this.#subscriptions.health(this.connected, this.closed);
  }

  /** Samples the depth of every subscribed queue now (as the `queueDepth` timer does), emitting `queue-depth` on a crossing. */
  sampleQueueDepth(): Promise<void> {
    return this.#subscriptions.sampleQueueDepth();
  }

  /**
   * Deletes one of this client's named queues, e.g. after changing its
   * bindings or arguments. Given the `retryQueues`, `retryDelayMs` and
   * `maxDeliveries` it was consumed with, also its retry queues and exchange
   * (their names follow from those options; AMQP cannot list them).
   */
  deleteQueue(queueName: string, retry: RetryQueueNaming = {}): Promise<{ readonly messageCount: number }> {
    return deleteQueue(this.#connections, this.#fullQueueName(queueName), queueName, retry);
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
    this.#connections.shutDown();
    await this.#subscriptions.stop(deadline);
    await this.#connections.release(deadline);
  }

  #fullQueueName(queueName: string): string {
    return queueName.startsWith('queue/') ? queueName : `queue/${this.#options.namespace}/${queueName}`;
  }

  /**
   * Emits to each listener in turn, like EventEmitter, but a listener that
   * throws cannot break the client or stop the others: its exception is
   * logged, not re-emitted (an `error` listener that throws would loop).
   * Every event also goes to the logger.
   */
  override emit<T extends EventEmitter.EventNames<PulseClientEvents>>(event: T, ...args: EventEmitter.EventArgs<PulseClientEvents, T>): boolean {
    this.#log.event(event, args);
    this.#subscriptions?.metrics?.event(event, args);
    return emitIsolated(this as EventEmitter, event, args, (fault) => this.#log.listenerFailed(event, fault));
  }

  #report(error: Error): void {
    this.emit('error', this.#redactor.error(error));
  }
}
