import { EventEmitter } from 'eventemitter3';
import type { Observable } from 'rxjs';
import type { PulseClientEvents } from './client-events.js';
import { ClientLog } from './client-log.js';
import { optionsFromEnv, resolveClientOptions, type PulseClientOptions, type ResolvedClientOptions } from './client-options.js';
import { ConnectionManager } from './connection-manager.js';
import { resolveConsumeSettings } from './consume-options.js';
import { consumeStream, type ConsumeHandler, type ConsumeOptions, type ConsumeOutcome } from './consume-stream.js';
import { Deadline } from './deadline.js';
import { healthOf, type PulseHealth } from './health/client-health.js';
import { QueueDepthMonitor } from './health/queue-depth-monitor.js';
import { SubscriptionMonitor } from './health/subscription-monitor.js';
import { emitIsolated } from './isolated-emit.js';
import { listenStream, type ListenOptions } from './listen-stream.js';
import { PasswordRedactor } from './password-redactor.js';
import { ClientClosedError } from './pulse-errors.js';
import type { BindingIn, Bindings, MessageOf } from './pulse-message.js';
import type { ConsumerHost, QueueConsumer } from './queue-consumer.js';
import { retryRouteFor } from './retry-delay.js';
import type { StreamContext } from './stream-context.js';
import { ClientMetrics } from './telemetry/client-metrics.js';

export type { PulseClientEvents } from './client-events.js';

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
  readonly #redactor: PasswordRedactor;
  readonly #connections: ConnectionManager;
  #closing: Promise<void> | undefined;
  /** Live subscriptions, each with what health() and the metrics know of it. */
  readonly #consumers = new Map<QueueConsumer, SubscriptionMonitor>();
  readonly #depth: QueueDepthMonitor;
  /** Undefined without an OpenTelemetry SDK: then nothing is recorded. */
  readonly #metrics: ClientMetrics | undefined;
  #lastFailure: { readonly name: string; readonly at: number } | undefined;
  /** What listen() and consume() streams use of this client. */
  readonly #streams: StreamContext;

  constructor(options: PulseClientOptions) {
    super();
    this.#options = resolveClientOptions(options);
    this.#redactor = new PasswordRedactor(this.#options.addresses);
    this.#log = new ClientLog(this.#options.logger, () => this.listenerCount('error') > 0, (text) => this.#redactor.text(text));
    this.#connections = new ConnectionManager(this.#options, {
      events: this,
      log: this.#log,
      redactor: this.#redactor,
      inUse: () => this.#consumers.size > 0,
    });
    const connections = this.#connections;
    this.#depth = new QueueDepthMonitor(
      this.#options.queueDepth,
      {
        queues: () => [...this.#consumers.keys()].flatMap((consumer) => consumer.queueName ?? []),
        get connected() {
          return connections.connected;
        },
        check: (queue) => connections.withChannel((channel) => channel.checkQueue(queue)),
      },
      (event) => this.emit('queue-depth', event),
    );
    this.#metrics = ClientMetrics.create(this.#options.meterProvider, {
      get connected() {
        return connections.connected;
      },
      depths: () => this.#depth.samples.values(),
    });
    const host: ConsumerHost = {
      backoff: this.#options.reconnect,
      connectionName: this.#options.connectionName,
      closeTimeoutMs: this.#options.closeTimeoutMs,
      acquireConnection: () => this.#connections.acquire(),
      report: (error) => this.#report(error),
      consuming: (info) => this.emit('consuming', info),
      broker: this.#options.addresses[0],
      unbound: (info) => this.emit('unbound', info),
      handover: (info) => this.emit('handover', info),
      unregister: (consumer) => {
        this.#consumers.delete(consumer);
        void this.#connections.releaseIfIdle();
      },
    };
    this.#streams = {
      host,
      namespace: this.#options.namespace,
      register: (consumer, queue) => {
        if (this.closed) throw new ClientClosedError();
        const monitor = new SubscriptionMonitor(consumer, this.#metrics?.subscription(queue));
        this.#consumers.set(consumer, monitor);
        this.#depth.start();
        return monitor;
      },
      metricsFor: (queue) => this.#metrics?.subscription(queue),
      failed: (error) => {
        this.#lastFailure = { name: error.name, at: Date.now() };
      },
      report: (error) => this.#report(error),
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
    return listenStream(this.#streams, bindings, options) as unknown as Observable<MessageOf<BindingIn<B>>>;
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
    return consumeStream(this.#streams, bindings, handler as ConsumeHandler<never, R>, options as ConsumeOptions<never, R>) as unknown as Observable<ConsumeOutcome<MessageOf<BindingIn<B>>, R>>;
  }

  /** Depth of one of this client's named queues (`queue/<namespace>/<queueName>`). */
  async queueStatus(queueName: string): Promise<QueueStatus> {
    return this.#connections.withChannel(async (channel) => {
      const reply = await channel.checkQueue(this.#fullQueueName(queueName));
      return { queue: reply.queue, messageCount: reply.messageCount, consumerCount: reply.consumerCount };
    });
  }

  /**
   * The client's health: connected, each subscription consuming or not, when
   * the last message came, queue depths against `queueDepth`'s limits, and an
   * overall `status` (see `PulseHealth`). Holds no URL or credential. For a
   * probe endpoint, see `startHealthServer`.
   */
  health(): PulseHealth {
    return healthOf({
      connected: this.connected,
      closed: this.closed,
      subscriptions: this.#consumers.values(),
      samples: this.#depth.samples,
      limits: this.#depth.limits,
      lastFailure: this.#lastFailure,
    });
  }

  /** Samples the depth of every subscribed queue now (as the `queueDepth` timer does), emitting `queue-depth` on a crossing. */
  sampleQueueDepth(): Promise<void> {
    return this.#depth.sample();
  }

  /**
   * Deletes one of this client's named queues, e.g. after changing its
   * bindings or arguments. Given the `retryQueues`, `retryDelayMs` and
   * `maxDeliveries` it was consumed with, also its retry queues and exchange
   * (their names follow from those options; AMQP cannot list them).
   */
  async deleteQueue(queueName: string, retry: Pick<ConsumeOptions, 'retryQueues' | 'retryDelayMs' | 'maxDeliveries'> = {}): Promise<{ readonly messageCount: number }> {
    const queue = this.#fullQueueName(queueName);
    const route = retry.retryQueues ? retryRouteFor(queue, resolveConsumeSettings({ ...retry, queueName }), () => undefined) : undefined;
    const deleted = await this.#connections.withChannel((channel) => channel.deleteQueue(queue));
    if (route) {
      for (const delay of route.levels) await this.#connections.withChannel((channel) => channel.deleteQueue(route.queueFor(delay)));
      await this.#connections.withChannel((channel) => channel.deleteExchange(route.exchange));
    }
    return deleted;
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
    this.#depth.stop();
    this.#metrics?.close();
    await Promise.all([...this.#consumers.keys()].map((consumer) => consumer.stop({ complete: true, deadline })));
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
    this.#metrics?.event(event, args);
    return emitIsolated(this as EventEmitter, event, args, (fault) => this.#log.listenerFailed(event, fault));
  }

  #report(error: Error): void {
    this.emit('error', this.#redactor.error(error));
  }
}
