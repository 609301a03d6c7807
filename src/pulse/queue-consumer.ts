import type { Binding } from '../bindings/types.js';
import { ActiveChannel, type ChannelEnd } from './active-channel.js';
import type { AmqpConnection, AmqpMessage } from './amqp-api.js';
import { backoffDelay, type ResolvedBackoff } from './backoff.js';
import type { MessageDecoder } from './message-decoder.js';
import { amqpCode, ChannelClosedError, ClientClosedError, ConnectionFailedError, ConsumerCancelledError, QueueSetupError } from './broker-errors.js';
import type { ReceivedMessage } from './pulse-message.js';
import type { QueueDeclaration } from './queue-options.js';
import { QueueDeletedError, queueIsGone } from './queue-watch.js';
import { Deadline } from './deadline.js';
import { closeQuietly } from './close-quietly.js';
import { bestEffort, declareQueue, declareRetryRoute, type SetupStep, windDown } from './queue-setup.js';
import { sleep } from './sleep.js';
import type { StaleBindingsHost } from './stale-bindings/stale-bindings-host.js';
import { SubscriptionStaleBindings } from './stale-bindings/subscription-stale-bindings.js';

/** A live connection as the client hands it out. */
export interface ConnectionHandle {
  readonly connection: AmqpConnection;
  /** Distinct per connection the client opens. */
  readonly id: number;
  readonly lost: boolean;
  /** Resolves when this connection closes. */
  readonly closed: Promise<Error | undefined>;
  /** Resolves when the connection is recycled (`recycleAfterMs`): move to a new one, then let go of this one. */
  readonly retiring: Promise<void>;
}

/** What a consumer needs from its client. */
export interface ConsumerHost extends StaleBindingsHost {
  readonly backoff: ResolvedBackoff;
  readonly connectionName: string;
  readonly closeTimeoutMs: number;
  /** The current connection, connecting (with backoff) if there is none. */
  acquireConnection(): Promise<ConnectionHandle>;
  /** Emits the client's `consuming` event. */
  consuming(info: { readonly queue: string; readonly consumerTag: string; readonly resumed: boolean }): void;
  unregister(consumer: QueueConsumer): void;
}

/** Where a consumer's messages and fate go: a listen() or consume() stream. */
export interface ConsumerSink {
  deliver(message: ReceivedMessage): void;
  /** Stop handing out buffered messages (they are requeued when the channel closes) before waiting for in-flight work. */
  stopTaking(): void;
  /** The stream cannot go on (setup refused, connection given up). */
  failed(error: Error): void;
  /** The client closed. */
  completed(): void;
  /** The consumer started (again, if `resumed`), its queue bound. */
  consuming?(info: { readonly queue: string; readonly consumerTag: string; readonly resumed: boolean }): void;
}

/** AMQP codes that retrying cannot fix during setup: access refused, not found, precondition failed, not implemented (memory://). */
const FATAL_SETUP_CODES = new Set([403, 404, 406, 540]);
/** A channel that lived this long resets the resume backoff. */
const STABLE_CHANNEL_MS = 1_000;

let consumerSequence = 0;

/**
 * One subscription's consumer, across reconnections: declares the queue,
 * binds, consumes on a channel of its own, and when that channel ends for any
 * reason (connection lost, channel error, server-side cancel) resumes on a new
 * one with backoff, re-declaring everything.
 */
export class QueueConsumer {
  readonly #id = ++consumerSequence;
  #channelSequence = 0;
  #state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  #active: ActiveChannel | undefined;
  #queueName: string | undefined;
  #queueHandle: ConnectionHandle | undefined;
  readonly #abort = new AbortController();
  #stopped: Promise<void> | undefined;
  readonly #bindings: ReadonlyArray<Pick<Binding, 'exchange' | 'routingKeyPattern'>>;
  readonly #staleBindings: SubscriptionStaleBindings;

  constructor(
    private readonly host: ConsumerHost,
    private readonly declaration: QueueDeclaration,
    bindings: readonly Binding[],
    private readonly decoder: MessageDecoder,
    private readonly sink: ConsumerSink,
  ) {
    const seen = new Set<string>();
    this.#bindings = bindings.filter((b) => {
      const key = `${b.exchange}\u0000${b.routingKeyPattern}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    this.#staleBindings = new SubscriptionStaleBindings(declaration.staleBindings, this.#bindings, host, this.#abort.signal);
  }

  /** The queue's current name (ephemeral queues change name on reconnection). */
  get queueName(): string | undefined {
    return this.#queueName;
  }

  /** A consumer is live on the broker now (not between channels, stopping or stopped). */
  get consuming(): boolean {
    return this.#state === 'running' && this.#active?.alive === true;
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    void this.#run();
  }

  /**
   * Stops consuming: cancels the consumer so no new messages arrive, lets the
   * sink stop taking buffered ones, waits until every delivered message is
   * settled, then closes the channel, which requeues the rest. All of it by
   * `deadline` (default: `closeTimeoutMs` from now); steps still pending then
   * are abandoned, and the connection's close takes their channel along.
   */
  stop(options: { readonly complete?: boolean; readonly waitForSettled?: boolean; readonly deadline?: Deadline } = {}): Promise<void> {
    this.#stopped ??= this.#stop(options.waitForSettled ?? true, options.deadline ?? Deadline.after(this.host.closeTimeoutMs)).then(() => {
      if (options.complete) this.sink.completed();
    });
    return this.#stopped;
  }

  async #stop(waitForSettled: boolean, deadline: Deadline): Promise<void> {
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    this.#abort.abort();
    // An old queue being drained stops first: its channel's messages are in the same stream.
    if (this.#staleBindings.handover) await deadline.within(this.#staleBindings.handover);
    const active = this.#active;
    if (wasRunning && active?.alive) {
      await windDown(active, deadline, { stopTaking: () => this.sink.stopTaking(), waitForSettled, deleteQueue: this.declaration.deleteOnStop });
    } else if (this.declaration.deleteOnStop) {
      await this.#deleteLeftoverQueue(deadline);
    }
    this.#state = 'stopped';
    this.host.unregister(this);
  }

  /**
   * Stopped between channels (after a channel error or cancel, before
   * resuming): the ephemeral queue may still exist on the live connection,
   * collecting messages nobody reads, so delete it on a channel of its own.
   */
  async #deleteLeftoverQueue(deadline: Deadline): Promise<void> {
    const handle = this.#queueHandle;
    const queue = this.#queueName;
    if (!handle || handle.lost || !queue) return;
    await bestEffort(async () => {
      const channel = await handle.connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteQueue(queue).finally(() => closeQuietly(channel));
    }, deadline);
  }

  async #run(): Promise<void> {
    let attempt = 0;
    // The channel on a recycled connection, consuming until its successor does.
    let retiring: ActiveChannel | undefined;
    while (this.#state === 'running') {
      let end: ChannelEnd | undefined;
      let handle: ConnectionHandle | undefined;
      try {
        handle = await this.host.acquireConnection();
        if (this.#state !== 'running') return;
        const active = await this.#establish(handle);
        if (retiring) void this.#retire(retiring);
        retiring = undefined;
        if (!active) continue;
        const ending = await Promise.race([
          active.ended,
          handle.closed.then((error): ChannelEnd => ({ kind: 'connection-lost', ...(error ? { error } : {}) })),
          handle.retiring.then(() => 'recycle' as const),
        ]);
        if (ending === 'recycle') {
          retiring = active;
          continue;
        }
        end = ending;
        active.end(end);
        if (Date.now() - active.openedAt >= STABLE_CHANNEL_MS) attempt = 0;
      } catch (error) {
        if (this.#state !== 'running') return;
        if (error instanceof ClientClosedError) return this.#finish(() => this.sink.completed());
        if (error instanceof ConnectionFailedError || error instanceof QueueSetupError) return this.#finish(() => this.sink.failed(error as Error));
        // Failing because the connection dropped meanwhile is no news: `disconnected` said so.
        if (!handle?.lost) this.host.report(error as Error);
      }
      if (this.#state !== 'running') return;
      if (end?.kind === 'closed' && end.error) this.host.report(new ChannelClosedError(this.#queueName ?? '?', amqpCode(end.error), { cause: end.error }));
      attempt++;
      await sleep(backoffDelay(this.host.backoff, attempt), this.#abort.signal);
    }
  }

  /**
   * Lets go of a channel on a recycled connection once its successor consumes:
   * no new deliveries, those delivered settle (by `closeTimeoutMs`), then the
   * close requeues whatever is still unsettled.
   */
  async #retire(active: ActiveChannel): Promise<void> {
    await windDown(active, Deadline.after(this.host.closeTimeoutMs), { waitForSettled: true, deleteQueue: false });
  }

  #finish(notify: () => void): void {
    this.#state = 'stopped';
    this.#abort.abort(); // ends a handover in progress
    this.host.unregister(this);
    notify();
  }

  /** Opens a channel and sets up queue, bindings and consumer; undefined if stopped meanwhile. */
  async #establish(handle: ConnectionHandle): Promise<ActiveChannel | undefined> {
    const channel = await handle.connection.createChannel();
    let channelError: Error | undefined;
    const fresh = this.#queueHandle?.id !== handle.id;
    const queue = this.#staleBindings.handoverQueue ?? (fresh || !this.#queueName ? this.declaration.nameFor() : this.#queueName);
    const consumerTag = `${this.host.connectionName}/c${this.#id}.${++this.#channelSequence}`;
    const active = new ActiveChannel(channel, queue, consumerTag, (error) => this.host.report(error), this.declaration.brokerCountsDeliveries);
    channel.on('error', (error) => {
      channelError = error;
    });
    channel.on('close', () => active.end({ kind: 'closed', ...(channelError ? { error: channelError } : {}) }));

    const step: SetupStep = async (name, operation) => {
      try {
        return await operation();
      } catch (error) {
        const code = amqpCode(channelError ?? error);
        active.end({ kind: 'closed' });
        void closeQuietly(channel);
        if (code !== undefined && FATAL_SETUP_CODES.has(code)) throw new QueueSetupError(queue, code, name, { cause: channelError ?? error });
        throw error;
      }
    };

    await declareQueue(channel, this.declaration, queue, this.#bindings, step);
    this.#queueName = queue;
    this.#queueHandle = handle;
    const retryRoute = this.declaration.retryRoute;
    if (retryRoute) active.retryPublisher = await declareRetryRoute(handle.connection, channel, retryRoute, step);
    if (this.#staleBindings.removalDue) await this.#staleBindings.remove(handle.connection, queue, retryRoute);
    if (this.#state !== 'running') {
      if (this.declaration.deleteOnStop) await bestEffort(() => channel.deleteQueue(queue), Deadline.after(this.host.closeTimeoutMs));
      active.end({ kind: 'closed' });
      await closeQuietly(channel);
      return undefined;
    }
    this.#active = active;
    await step('starting the consumer', () => channel.consume(queue, (raw) => this.#onMessage(active, raw), { consumerTag }));
    const info = { queue, consumerTag, resumed: this.#channelSequence > 1 };
    this.host.consuming(info);
    this.sink.consuming?.(info);
    if (this.#staleBindings.handoverDue) this.#startHandover();
    return active;
  }

  /** Drains the previous queues into this subscription's stream, each by a consumer of its own, then deletes them. */
  #startHandover(): void {
    const drainHost: ConsumerHost = { ...this.host, unregister: () => undefined };
    const drain = (queue: string, failed: (error: Error) => void) => {
      // The old queue as it is, into the same stream; stopping it must not stop the stream's handlers.
      const declaration = { ...this.declaration, existingOnly: true, deleteOnStop: false, staleBindings: undefined, nameFor: () => queue };
      const sink = { deliver: (message: ReceivedMessage) => this.sink.deliver(message), stopTaking: () => undefined, failed, completed: () => undefined };
      const drainer = new QueueConsumer(drainHost, declaration, [], this.decoder, sink);
      drainer.start();
      return { stop: () => drainer.stop() };
    };
    const connection = async () => (await this.host.acquireConnection()).connection;
    this.#staleBindings.startHandover(connection, drain);
  }

  /**
   * Server-side cancel: usually the queue was deleted (the guardian), else its
   * node went away. Says which (one event per cancel), then resumes, which
   * re-declares the queue and its bindings.
   */
  async #cancelledByBroker(active: ActiveChannel): Promise<void> {
    const handle = this.#queueHandle;
    const gone = handle && !handle.lost ? await queueIsGone(handle.connection, active.queue, Deadline.after(this.host.closeTimeoutMs)) : undefined;
    this.host.report(gone ? new QueueDeletedError(active.queue) : new ConsumerCancelledError(active.queue));
    active.end({ kind: 'cancelled' });
    void closeQuietly(active.channel);
  }

  #onMessage(active: ActiveChannel, raw: AmqpMessage | null): void {
    if (raw === null) {
      void this.#cancelledByBroker(active);
      return;
    }
    if (!active.alive) return;
    const decoded = this.decoder.decode(raw, active.queue, active);
    if (decoded.kind === 'message') {
      active.track(decoded.message);
      this.sink.deliver(decoded.message);
      return;
    }
    // Malformed: reject without requeue (dead-lettered if configured). Unbound: not ours, drop it.
    active.settleRaw(raw, decoded.kind === 'malformed' ? 'nack' : 'ack', false);
    this.host.report(decoded.error);
  }
}
