/** What a channel needs from its connection, and what both use when refusing: amqplib's IllegalOperationError, state-change stacks. */
import { createRequire } from 'node:module';
import type { Connection, IllegalOperationError } from 'amqplib';
import type { ServerClose } from './amqp-errors.js';
import type { BrokerConnection, MemoryBroker } from './broker.js';

/** What a channel needs from its connection. */
export interface ChannelHost {
  readonly broker: MemoryBroker;
  /** The connection as the broker knows it (owner of exclusive queues). */
  readonly identity: BrokerConnection;
  /** amqplib's `channel.connection` (server properties). */
  readonly connection: Connection;
  /**
   * Runs a server-to-client event later, in order with every other event of the
   * connection, as frames arrive on one socket. Never synchronously.
   */
  post(task: () => void): void;
  /** Why the connection refuses to send now (it is closing), if it does. */
  illegal(): Error | undefined;
  /** The server closes the whole connection (e.g. 530 NOT_ALLOWED). */
  failConnection(close: ServerClose): void;
  /** An exception escaped an event handler: amqplib treats it as a fatal frame error. */
  failFromFrameError(error: Error): void;
}

// amqplib is loaded when a channel first misbehaves, not on import: the package
// exports the broker, and most importers never use it.
const require = createRequire(import.meta.url);

/** amqplib's `IllegalOperationError`, with the stack of the state change that caused it. */
export function illegalOperation(message: string, stateChange: string): IllegalOperationError {
  const amqplib = require('amqplib') as typeof import('amqplib');
  return new amqplib.IllegalOperationError(message, stateChange);
}

/**
 * A promise for a client operation that amqplib refuses, with the
 * IllegalOperationError `illegal` gives, while the channel or connection is
 * closed or closing; otherwise `run` settles it.
 */
export function legalOperation<T>(
  illegal: () => Error | undefined,
  run: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const refusal = illegal();
    if (refusal) {
      reject(refusal);
      return;
    }
    run(resolve, reject);
  });
}

/** A stack trace taken when a channel or connection changes state, as amqplib records it. */
export function stackCapture(reason: string): string {
  const stack = new Error().stack ?? '';
  return `Stack capture: ${reason}\n${stack.split('\n').slice(2).join('\n')}`;
}
