import type { AmqpConnection } from './amqp-api.js';

/**
 * What amqplib keeps under `ChannelModel.connection` and does not type: the
 * socket and the heartbeat negotiated with the broker. Read here only, and
 * only where amqplib's public API has nothing to offer (watching for silence,
 * abandoning a connection whose close handshake cannot complete). Other
 * transports (the memory broker) have no socket: then both are absent.
 */
interface AmqplibInternals {
  readonly connection?: {
    readonly stream?: unknown;
    readonly heartbeat?: unknown;
    /** amqplib's heartbeat timer: emits `beat` (send one) and `timeout` (declare the connection dead). */
    readonly heartbeater?: { removeAllListeners?: (event: string) => unknown } | null;
  };
}

/** The socket side the watchdog and a forced close need. */
export interface BrokerSocket {
  readonly bytesRead: number;
  destroy(error?: Error): unknown;
}

export function socketOf(connection: AmqpConnection): BrokerSocket | undefined {
  const stream = (connection as AmqplibInternals).connection?.stream as Partial<BrokerSocket> | undefined;
  return stream && typeof stream.bytesRead === 'number' && typeof stream.destroy === 'function' ? (stream as BrokerSocket) : undefined;
}

/** The heartbeat interval in seconds the broker agreed to; 0 or undefined means none. */
export function negotiatedHeartbeat(connection: AmqpConnection): number | undefined {
  const heartbeat = (connection as AmqplibInternals).connection?.heartbeat;
  return typeof heartbeat === 'number' ? heartbeat : undefined;
}

/**
 * Stops amqplib from declaring the connection dead on its own (it still sends
 * heartbeats), for a watchdog that does so more precisely: one rule, one error.
 */
export function disableAmqplibHeartbeatTimeout(connection: AmqpConnection): void {
  (connection as AmqplibInternals).connection?.heartbeater?.removeAllListeners?.('timeout');
}

/**
 * Destroys the connection's socket with `error`: amqplib then emits `error`
 * and `close` at once, as for any socket failure. For a connection whose
 * peer stopped answering, so that nothing waits on it any longer.
 */
export function abandonConnection(connection: AmqpConnection, error: Error): void {
  socketOf(connection)?.destroy(error);
}
