import type { Binding } from '../bindings/types.js';
import { ActiveChannel, type ChannelEnd } from './active-channel.js';
import type { AmqpChannel, AmqpConnection, AmqpMessage } from './amqp-api.js';
import { backoffDelay, type ResolvedBackoff } from './backoff.js';
import type { MessageDecoder } from './message-decoder.js';
import { amqpCode, ChannelClosedError, ClientClosedError, ConnectionFailedError, ConsumerCancelledError, QueueSetupError } from './pulse-errors.js';
import type { ReceivedMessage } from './pulse-message.js';
import type { QueueDeclaration } from './queue-options.js';
import { Deadline } from './deadline.js';
import { sleep } from './sleep.js';

/** A live connection as the client hands it out. */
export interface ConnectionHandle {
  readonly connection: AmqpConnection;
  /** Distinct per connection the client opens. */
  readonly id: number;
  readonly lost: boolean;
  /** Resolves when this connection closes. */
  readonly closed: Promise<Error | undefined>;
}

/** What a consumer needs from its client. */
export interface ConsumerHost {
  readonly backoff: ResolvedBackoff;
  readonly connectionName: string;
  readonly closeTimeoutMs: number;
  /** The current connection, connecting (with backoff) if there is none. */
  acquireConnection(): Promise<ConnectionHandle>;
  /** Emits the client's `error` event. */
  report(error: Error): void;
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
}

/** AMQP codes that retrying cannot fix during setup: access refused, not found, precondition failed. */
const FATAL_SETUP_CODES = new Set([403, 404, 406]);
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
    const active = this.#active;
    if (wasRunning && active?.alive) {
      await this.#bestEffort(() => active.channel.cancel(active.consumerTag), deadline);
      this.sink.stopTaking();
      if (waitForSettled) await deadline.within(active.idle());
      active.flushAcks();
      if (this.declaration.deleteOnStop) await this.#bestEffort(() => active.channel.deleteQueue(active.queue), deadline);
      active.end({ kind: 'closed' });
      await this.#bestEffort(() => active.channel.close(), deadline);
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
    await this.#bestEffort(async () => {
      const channel = await handle.connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteQueue(queue).finally(() => closeQuietly(channel));
    }, deadline);
  }

  /** A channel operation that fails harmlessly if the channel is already gone, given up at `deadline`. */
  #bestEffort(operation: () => Promise<unknown>, deadline: Deadline): Promise<unknown> {
    return deadline.within(Promise.resolve().then(operation).catch(() => undefined));
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (this.#state === 'running') {
      let end: ChannelEnd | undefined;
      let handle: ConnectionHandle | undefined;
      try {
        handle = await this.host.acquireConnection();
        if (this.#state !== 'running') return;
        const active = await this.#establish(handle);
        if (!active) continue;
        end = await Promise.race([active.ended, handle.closed.then((error): ChannelEnd => ({ kind: 'connection-lost', ...(error ? { error } : {}) }))]);
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

  #finish(notify: () => void): void {
    this.#state = 'stopped';
    this.host.unregister(this);
    notify();
  }

  /** Opens a channel and sets up queue, bindings and consumer; undefined if stopped meanwhile. */
  async #establish(handle: ConnectionHandle): Promise<ActiveChannel | undefined> {
    const channel = await handle.connection.createChannel();
    let channelError: Error | undefined;
    const fresh = this.#queueHandle?.id !== handle.id;
    const queue = fresh || !this.#queueName ? this.declaration.nameFor() : this.#queueName;
    const consumerTag = `${this.host.connectionName}/c${this.#id}.${++this.#channelSequence}`;
    const active = new ActiveChannel(channel, queue, consumerTag, (error) => this.host.report(error), this.declaration.brokerCountsDeliveries);
    channel.on('error', (error) => {
      channelError = error;
    });
    channel.on('close', () => active.end({ kind: 'closed', ...(channelError ? { error: channelError } : {}) }));

    const step = async <T>(name: string, operation: () => Promise<T>): Promise<T> => {
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

    await step('setting prefetch', () => channel.prefetch(this.declaration.prefetch));
    await this.#declareDeadLetter(channel, step);
    await step('declaring the queue', () => channel.assertQueue(queue, this.declaration.assertOptions));
    this.#queueName = queue;
    this.#queueHandle = handle;
    for (const binding of this.#bindings) {
      await step(`binding to ${binding.exchange} with "${binding.routingKeyPattern}"`, () =>
        channel.bindQueue(queue, binding.exchange, binding.routingKeyPattern),
      );
    }
    if (this.#state !== 'running') {
      if (this.declaration.deleteOnStop) await this.#bestEffort(() => channel.deleteQueue(queue), Deadline.after(this.host.closeTimeoutMs));
      active.end({ kind: 'closed' });
      await closeQuietly(channel);
      return undefined;
    }
    this.#active = active;
    await step('starting the consumer', () => channel.consume(queue, (raw) => this.#onMessage(active, raw), { consumerTag }));
    this.host.consuming({ queue, consumerTag, resumed: this.#channelSequence > 1 });
    return active;
  }

  async #declareDeadLetter(channel: AmqpChannel, step: <T>(name: string, operation: () => Promise<T>) => Promise<T>): Promise<void> {
    const { deadLetterExchange, deadLetterQueue } = this.declaration;
    if (!deadLetterExchange) return;
    await step('declaring the dead-letter exchange', () => channel.assertExchange(deadLetterExchange, 'topic', { durable: true }));
    if (!deadLetterQueue) return;
    await step('declaring the dead-letter queue', () => channel.assertQueue(deadLetterQueue, { durable: true }));
    await step('binding the dead-letter queue', () => channel.bindQueue(deadLetterQueue, deadLetterExchange, '#'));
  }

  #onMessage(active: ActiveChannel, raw: AmqpMessage | null): void {
    if (raw === null) {
      // Server-side cancel: the queue was deleted (or its node went away).
      this.host.report(new ConsumerCancelledError(active.queue));
      active.end({ kind: 'cancelled' });
      void closeQuietly(active.channel);
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

/** Closes a channel that may already be closed or closing. */
async function closeQuietly(channel: AmqpChannel): Promise<void> {
  try {
    await channel.close();
  } catch {
    // Already closed: nothing to do.
  }
}
