/** A memory channel's life as amqplib's channels live it: states, replies and events in order, and every way to close. */
import { EventEmitter } from 'node:events';
import type { Message } from 'amqplib';
import { BrokerRefusal, ServerClose, type AmqpMethodName } from './amqp-errors.js';
import { illegalOperation, legalOperation, stackCapture, type ChannelHost } from './channel-host.js';

type ChannelState =
  | 'open'
  /** The server has closed it; the client hears about it with the next events. */
  | 'server-closed'
  /** The client asked to close it. */
  | 'closing'
  | 'closed';

const CHANNEL_ENDED = 'Channel ended, no reply will be forthcoming';

/**
 * The part of a memory channel that does not depend on what its operations do:
 * replies and events arrive asynchronously, in order; a refused operation
 * closes the channel with RabbitMQ's code and text (`'error'`, then `'close'`);
 * operations on a closed channel throw amqplib's IllegalOperationError; an
 * exception from an event handler is dealt with as amqplib deals with it.
 */
export abstract class ChannelLifecycle extends EventEmitter {
  private current: ChannelState = 'open';
  private stateChange = '';
  /** Rejections owed to operations still waiting when the channel closes. */
  private readonly orphanedReplies = new Set<(error: Error) => void>();

  constructor(protected readonly host: ChannelHost) {
    super();
  }

  /** The server side of the channel goes: its consumers end, its unacknowledged messages go back. */
  protected abstract releaseDeliveries(): void;

  /** The client learns the channel is closed: publishes awaiting a confirm fail. */
  protected abstract failUnconfirmed(): void;

  close(): Promise<void> {
    return legalOperation(() => this.illegal(), (resolve) => {
      if (this.state === 'open') this.releaseServerSide();
      this.enter('closing', 'closeBecause called: Goodbye');
      this.post(() => {
        this.toClosed();
        resolve();
      });
    });
  }

  // --- Called by the connection and by consumers ---

  isOpen(): boolean {
    return this.state === 'open';
  }

  /**
   * The server side of a channel going away: consumers end and unacknowledged
   * messages go back to their queues, marked redelivered.
   */
  releaseServerSide(): void {
    if (this.state === 'open') this.enter('server-closed', 'server released the channel');
    this.releaseDeliveries();
  }

  /** The client learns the channel is closed: pending replies fail, unconfirmed publishes fail, `'close'`. */
  toClosed(): void {
    if (this.state === 'closed') return;
    this.enter('closed', 'channel closed');
    for (const reject of this.orphanedReplies) reject(new Error(CHANNEL_ENDED));
    this.orphanedReplies.clear();
    this.failUnconfirmed();
    this.emitSafely('close', []);
  }

  // --- For the operations ---

  protected get state(): ChannelState {
    return this.current;
  }

  /** Runs an operation as a round trip to the server: the reply comes later, a refusal closes the channel or connection. */
  protected rpc<T>(method: AmqpMethodName, operation: () => T, afterReply?: () => void): Promise<T> {
    return legalOperation<T>(() => this.illegal(), (resolve, reject) => {
      if (this.state === 'server-closed') {
        this.orphanedReplies.add(reject);
        return;
      }
      let result: T;
      try {
        result = operation();
      } catch (error) {
        if (error instanceof BrokerRefusal) this.refused(method, error, reject);
        else reject(error);
        return;
      }
      this.post(() => resolve(result));
      afterReply?.();
    });
  }

  /** RabbitMQ closes the channel for an error: the operation fails, then `'error'`, then `'close'`. */
  protected closeByServer(close: ServerClose, rejectOperation?: (error: Error) => void): void {
    if (this.state !== 'open') return;
    this.releaseServerSide();
    this.post(() => {
      rejectOperation?.(close.operationError());
      this.emitSafely('error', [close.channelError()]);
      this.toClosed();
    });
  }

  protected post(task: () => void): void {
    this.host.post(task);
  }

  protected throwIfIllegal(): void {
    const illegal = this.illegal();
    if (illegal) throw illegal;
  }

  /**
   * Emits as amqplib's safeEmit does: an exception from a listener (or an
   * `'error'` nobody listens to) goes to `'handler-error'` listeners if there
   * are any, and otherwise breaks the connection, like a frame error.
   */
  protected emitSafely(event: string, args: unknown[], first?: () => void): void {
    const failure = this.tryEmit(event, args, first);
    if (failure) this.host.failFromFrameError(failure);
  }

  /**
   * Emits a message event (`'delivery'`, `'return'`): amqplib reads messages in
   * a guarded state machine, so an exception from the consumer closes only
   * this channel, with INTERNAL_ERROR (541), unless `'handler-error'` takes it.
   */
  protected emitMessage(event: string, message: Message, first?: () => void): void {
    const failure = this.tryEmit(event, [message], first);
    if (failure) this.closeForHandlerError(failure);
  }

  // --- Internals ---

  private refused(method: AmqpMethodName, refusal: BrokerRefusal, reject: (error: Error) => void): void {
    const close = new ServerClose(refusal.code, refusal.text, method);
    if (refusal.scope === 'connection') {
      this.orphanedReplies.add(reject);
      this.host.failConnection(close);
    } else {
      this.closeByServer(close, reject);
    }
  }

  private enter(state: ChannelState, reason: string): void {
    this.current = state;
    this.stateChange = stackCapture(reason);
  }

  private illegal(): Error | undefined {
    if (this.state === 'closed') return illegalOperation('Channel closed', this.stateChange);
    if (this.state === 'closing') return illegalOperation('Channel closing', this.stateChange);
    return this.host.illegal();
  }

  /** Runs the emission; returns the exception nobody handled, if any. */
  private tryEmit(event: string, args: unknown[], first?: () => void): Error | undefined {
    try {
      first?.();
      this.emit(event, ...args);
      return undefined;
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      if (this.listenerCount('handler-error') === 0) return cause;
      setImmediate(() => this.emit('handler-error', cause, event));
      return undefined;
    }
  }

  /** The client closes the channel because of the error: `'error'` (code 541) then `'close'`, after the round trip. */
  private closeForHandlerError(error: Error): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.state === 'open') this.releaseServerSide();
    this.enter('closing', 'closeBecause called: Error while processing message');
    this.post(() => {
      (error as Error & { code?: number }).code = 541;
      this.emitSafely('error', [error]);
      this.toClosed();
    });
  }
}
