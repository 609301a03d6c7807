import type { EventEmitter } from 'eventemitter3';
import type { AmqpChannel, AmqpConnection } from './amqp-api.js';
import { abandonConnection } from './amqplib-socket.js';
import { backoffDelay } from './backoff.js';
import { connectWithin } from './bounded-connect.js';
import type { BrokerAddress } from './broker-address.js';
import type { PulseClientEvents } from './client-events.js';
import type { ClientLog } from './client-log.js';
import type { ResolvedClientOptions } from './client-options.js';
import { classifyConnectFailure } from './connect-failure.js';
import { Retirement, scheduleRecycle } from './connection-recycler.js';
import { withProvidedCredentials } from './credentials-provider.js';
import { Deadline } from './deadline.js';
import type { PasswordRedactor } from './password-redactor.js';
import { ClientClosedError, ConnectionFailedError } from './broker-errors.js';
import type { ConnectionHandle } from './queue-consumer.js';
import { sleep } from './sleep.js';

/** The options that say how to connect. */
export type ConnectionOptions = Pick<ResolvedClientOptions, 'addresses' | 'credentials' | 'reconnect' | 'connectionName' | 'connectTimeoutMs' | 'closeTimeoutMs' | 'releaseWhenIdle' | 'recycleAfterMs'>;

/** What the manager needs from the client it works for. */
export interface ConnectionManagerContext {
  /** Where `connected`, `disconnected`, `reconnecting`, `blocked` and `unblocked` go. */
  readonly events: Pick<EventEmitter<PulseClientEvents>, 'emit'>;
  readonly log: Pick<ClientLog, 'connectionFailed'>;
  readonly redactor: PasswordRedactor;
  /** Whether a subscription uses the connection: then it is not idle. */
  inUse(): boolean;
}

/**
 * A client's one broker connection: opened when first needed, with backoff
 * and jitter across the brokers' addresses, shared by every subscription,
 * reopened on demand after it drops, and released when idle or on close
 * within a deadline.
 */
export class ConnectionManager {
  #current: LiveConnection | undefined;
  /** Recycled connections whose subscriptions are moving to the current one. */
  readonly #retired = new Set<LiveConnection>();
  #connecting: Promise<LiveConnection> | undefined;
  #connectionCount = 0;
  #addressIndex = 0;
  #shutDown = false;
  readonly #abort = new AbortController();

  constructor(
    private readonly options: ConnectionOptions,
    private readonly context: ConnectionManagerContext,
  ) {}

  get connected(): boolean {
    return !!this.#current && !this.#current.lost;
  }

  /** Whether `shutDown()` was called: no connection will be opened again. */
  get isShutDown(): boolean {
    return this.#shutDown;
  }

  /** The live connection, opening one (with backoff across the addresses) if needed. */
  acquire(): Promise<ConnectionHandle> {
    if (this.#shutDown) return Promise.reject(new ClientClosedError());
    if (this.#current && !this.#current.lost) return Promise.resolve(this.#current);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /** Refuses every later `acquire()` and abandons an attempt in progress (it rejects with `ClientClosedError`). */
  shutDown(): void {
    this.#shutDown = true;
    this.#abort.abort(new ClientClosedError());
  }

  /** A channel of its own for `work`, closed afterwards. */
  async withChannel<T>(work: (channel: AmqpChannel) => Promise<T>): Promise<T> {
    const { connection } = await this.acquire();
    const channel = await connection.createChannel();
    // A failed operation closes the channel with an error event; the rejection carries it.
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await Promise.resolve()
        .then(() => channel.close())
        .catch(() => undefined);
      await this.releaseIfIdle();
    }
  }

  /**
   * With `releaseWhenIdle`, closes the connection when no subscription uses it
   * (one may have started while it was being opened); `shutDown` closes it otherwise.
   */
  async releaseIfIdle(): Promise<void> {
    if (!this.options.releaseWhenIdle || this.#shutDown || this.context.inUse()) return;
    const deadline = Deadline.after(this.options.closeTimeoutMs);
    await this.#settleAttempt(deadline);
    if (!this.context.inUse()) await this.#closeCurrent(deadline);
  }

  /**
   * Closes the connection on purpose, by `deadline`: a connection that does
   * not confirm the close in time (a dead link) is dropped.
   */
  async release(deadline = Deadline.after(this.options.closeTimeoutMs)): Promise<void> {
    await this.#settleAttempt(deadline);
    await Promise.all([this.#closeCurrent(deadline), ...[...this.#retired].map((live) => this.#closeLive(live, deadline))]);
  }

  /** Lets an attempt in progress end first, so that its connection is the one closed (after shutDown, it ends at once). */
  async #settleAttempt(deadline: Deadline): Promise<void> {
    const pending = this.#connecting;
    if (pending) await deadline.settles(pending);
  }

  async #closeCurrent(deadline: Deadline): Promise<void> {
    const live = this.#current;
    if (!live) return;
    this.#current = undefined;
    await this.#closeLive(live, deadline);
  }

  async #closeLive(live: LiveConnection, deadline: Deadline): Promise<void> {
    this.#retired.delete(live);
    live.released = true;
    live.stopRecycling?.();
    if (!(await deadline.settles(live.connection.close()))) {
      abandonConnection(live.connection, new Error(`the broker did not confirm closing the connection within ${this.options.closeTimeoutMs} ms`));
    }
  }

  async #connect(): Promise<LiveConnection> {
    const { addresses, reconnect, connectTimeoutMs, connectionName } = this.options;
    const { events, redactor } = this.context;
    for (let attempt = 1; ; attempt++) {
      if (this.#shutDown) throw new ClientClosedError();
      let address = addresses[this.#addressIndex % addresses.length]!;
      try {
        // One deadline for asking the credentials provider and connecting.
        const deadline = Deadline.after(connectTimeoutMs);
        address = await this.#login(address);
        const connection = await connectWithin(
          address,
          { noDelay: true, timeout: connectTimeoutMs, clientProperties: { connection_name: connectionName } },
          { timeoutMs: Math.max(1, deadline.remainingMs), signal: this.#abort.signal },
        );
        if (this.#shutDown) {
          await connection.close().catch(() => undefined);
          throw new ClientClosedError();
        }
        return this.#adopt(connection, address);
      } catch (caught) {
        if (caught instanceof ClientClosedError) throw caught;
        const cause = redactor.error(caught instanceof Error ? caught : new Error(String(caught)));
        const failure = classifyConnectFailure(cause, address);
        // With a provider, a refused login may be a password rotated meanwhile: the next attempt asks it again.
        const permanent = failure.permanent === 'credentials-refused' && this.options.credentials ? undefined : failure.permanent;
        if (permanent) throw this.#gaveUp(`broker ${address.display}: ${failure.description}`, cause, permanent);
        if (attempt >= reconnect.maxAttempts) {
          const tried = addresses.map((a) => a.display).join(', ');
          throw this.#gaveUp(`could not connect to ${tried} after ${attempt} attempts (reconnect.maxAttempts): ${failure.description}`, cause, 'attempts-exhausted');
        }
        this.#addressIndex++;
        const delayMs = backoffDelay(reconnect, attempt);
        const error = failure.description === cause.message ? cause : new Error(failure.description, { cause });
        events.emit('reconnecting', { attempt, delayMs, error });
        await sleep(delayMs, this.#abort.signal);
      }
    }
  }

  /** `address` with the login from the credentials provider, if there is one, remembered for redaction. */
  async #login(address: BrokerAddress): Promise<BrokerAddress> {
    const provider = this.options.credentials;
    if (!provider) return address;
    const withLogin = await withProvidedCredentials(provider, address, { timeoutMs: this.options.connectTimeoutMs, signal: this.#abort.signal });
    this.context.redactor.remember(withLogin);
    return withLogin;
  }

  #gaveUp(message: string, cause: Error, reason: ConnectionFailedError['reason']): ConnectionFailedError {
    const error = new ConnectionFailedError(message, { cause, reason });
    this.context.log.connectionFailed(error);
    return error;
  }

  #adopt(connection: AmqpConnection, address: BrokerAddress): LiveConnection {
    const { events, redactor } = this.context;
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
      retirement: new Retirement(),
      get retiring() {
        return this.retirement.started;
      },
    };
    connection.on('error', () => {
      // Always followed by 'close', which carries the same error.
    });
    connection.on('close', (error) => {
      if (live.lost) return;
      live.lost = true;
      markClosed(error);
      if (this.#current === live) this.#current = undefined;
      this.#retired.delete(live);
      live.stopRecycling?.();
      if (!live.released) events.emit('disconnected', { url, error: error ? redactor.error(error) : undefined });
    });
    connection.on('blocked', (reason) => events.emit('blocked', reason));
    connection.on('unblocked', () => events.emit('unblocked'));
    this.#current = live;
    if (this.options.recycleAfterMs !== undefined) live.stopRecycling = scheduleRecycle(this.options.recycleAfterMs, () => this.#recycle(live));
    events.emit('connected', { url, connectionName: this.options.connectionName });
    return live;
  }

  /**
   * Retires `live`: the next `acquire()` opens a new connection, each
   * subscription moves to it (make-before-break), and `live` is closed once
   * they had time to (a connect and a close timeout), or at once when unused.
   */
  #recycle(live: LiveConnection): void {
    if (live.lost || this.#current !== live || this.#shutDown) return;
    this.#current = undefined;
    this.#retired.add(live);
    live.retirement.start();
    const closeAfterMs = this.context.inUse() ? this.options.connectTimeoutMs + this.options.closeTimeoutMs : 0;
    // Unreferenced: `release()` closes it at once on close(), and a closed client must not keep the process alive.
    setTimeout(() => void this.#closeLive(live, Deadline.after(this.options.closeTimeoutMs)), closeAfterMs).unref();
  }
}

interface LiveConnection extends ConnectionHandle {
  readonly url: string;
  lost: boolean;
  released?: boolean;
  readonly retirement: Retirement;
  stopRecycling?: () => void;
}
