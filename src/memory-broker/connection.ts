/** amqplib's ChannelModel on the memory broker: a connection, its channels, its events in order, and how it closes. */
import { EventEmitter } from 'node:events';
import type { ChannelModel, Connection } from 'amqplib';
import { ReplyCode, ServerClose } from './amqp-errors.js';
import type { BrokerConnection, MemoryBroker } from './broker.js';
import { illegalOperation, legalOperation, stackCapture, type ChannelHost } from './channel-host.js';
import { MemoryChannel } from './channel.js';

type ConnectionState = 'open' | 'client-closing' | 'server-closing' | 'closed';

const SERVER_PROPERTIES = {
  host: 'memory',
  product: 'taskcluster-pulse memory broker',
  version: '1',
  platform: `Node.js ${process.version}`,
  information: 'An in-process stand-in for RabbitMQ, for tests and demos',
};

/**
 * A connection to the memory broker with amqplib's `ChannelModel` API and
 * events. Everything the server sends (replies, deliveries, errors, closes)
 * reaches the client asynchronously and in order, as frames on one socket do.
 */
export class MemoryConnection extends EventEmitter implements ChannelModel, BrokerConnection, ChannelHost {
  readonly connection: Connection = { serverProperties: SERVER_PROPERTIES };
  private state: ConnectionState = 'open';
  private stateChange = '';
  private closedReason = 'Connection closed (by client)';
  private readonly channels = new Set<MemoryChannel>();
  private outbox: (() => void)[] = [];
  private flushScheduled = false;

  constructor(
    readonly broker: MemoryBroker,
    /** The client's `connection_name`, as given in the socket options' `clientProperties`. */
    readonly name: string | undefined = undefined,
  ) {
    super();
    broker.attach(this);
  }

  get identity(): BrokerConnection {
    return this;
  }

  createChannel(): Promise<MemoryChannel> {
    return this.openChannel(false);
  }

  createConfirmChannel(): Promise<MemoryChannel> {
    return this.openChannel(true);
  }

  close(): Promise<void> {
    return legalOperation(() => this.illegal(), (resolve) => {
      this.releaseServerSide('client-closing', 'closeBecause called: Cheers, thanks');
      this.post(() => {
        resolve();
        this.toClosed(undefined);
      });
    });
  }

  updateSecret(_newSecret: Buffer, _reason: string): Promise<void> {
    return new Promise((resolve) =>
      this.post(() => {
        this.emit('update-secret-ok');
        resolve();
      }),
    );
  }

  // --- ChannelHost ---

  post(task: () => void): void {
    this.outbox.push(task);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  illegal(): Error | undefined {
    if (this.state === 'closed') return illegalOperation(this.closedReason, this.stateChange);
    if (this.state === 'client-closing') return illegalOperation('Connection closing', this.stateChange);
    return undefined;
  }

  failConnection(close: ServerClose): void {
    this.closeFromServer(close.connectionError(), true);
  }

  failFromFrameError(error: Error): void {
    if (this.state === 'closed') return;
    // amqplib handles this while reading frames: at once, not after other events.
    this.releaseServerSide('server-closing', 'Socket error');
    this.closedReason = `Connection closed (${error.toString()})`;
    this.emit('error', error);
    this.toClosed(error);
  }

  // --- BrokerConnection ---

  simulateConnectionLoss(error: Error): void {
    this.closeFromServer(error, true);
  }

  forceClose(reason: string): void {
    const close = new ServerClose(ReplyCode.CONNECTION_FORCED, `CONNECTION_FORCED - ${reason}`);
    // amqplib does not treat CONNECTION_FORCED as an error: only 'close' carries it.
    this.closeFromServer(close.connectionError(), false);
  }

  // --- Internals ---

  private openChannel(confirm: boolean): Promise<MemoryChannel> {
    return legalOperation(() => this.illegal(), (resolve) => {
      const channel = new MemoryChannel(this, confirm);
      this.channels.add(channel);
      this.post(() => resolve(channel));
    });
  }

  private closeFromServer(error: Error, emitError: boolean): void {
    if (this.state !== 'open') return;
    this.releaseServerSide('server-closing', error.message);
    this.closedReason = `Connection closed (${error.toString()})`;
    this.post(() => {
      if (emitError) this.emit('error', error);
      this.toClosed(error);
    });
  }

  /** The server forgets the connection: channels release their messages, exclusive queues go. */
  private releaseServerSide(state: 'client-closing' | 'server-closing', reason: string): void {
    this.state = state;
    this.stateChange = stackCapture(reason);
    for (const channel of this.channels) channel.releaseServerSide();
    this.broker.detach(this);
  }

  private toClosed(error: Error | undefined): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const channels = [...this.channels];
    this.channels.clear();
    for (const channel of channels) channel.toClosed();
    this.emit('close', error);
  }

  private flush(): void {
    this.flushScheduled = false;
    // Only what is queued now: handlers that cause more events get them on a later turn,
    // so a consumer that requeues forever cannot starve the event loop.
    const tasks = this.outbox;
    this.outbox = [];
    let failure: unknown;
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}
