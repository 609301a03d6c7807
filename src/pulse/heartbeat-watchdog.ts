import type { AmqpConnection } from './amqp-api.js';
import { disableAmqplibHeartbeatTimeout, negotiatedHeartbeat, socketOf } from './amqplib-socket.js';
import { PulseError } from './error-json.js';

/** The broker sent nothing for two heartbeat intervals: the link is dead, though its socket may look open. */
export class HeartbeatTimeoutError extends PulseError {
  override readonly name = 'HeartbeatTimeoutError';

  constructor(
    readonly heartbeatSeconds: number,
    readonly silentMs: number,
  ) {
    super(`Heartbeat timeout: nothing received from the broker for ${silentMs} ms (heartbeat ${heartbeatSeconds} s)`);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { heartbeatSeconds: this.heartbeatSeconds, silentMs: this.silentMs };
  }
}

/** Checks per heartbeat interval: detection comes at most a tenth of an interval late. */
const CHECKS_PER_INTERVAL = 10;

/**
 * Declares the connection dead once the broker has sent nothing for two
 * heartbeat intervals (the AMQP rule; a broker sends a heartbeat whenever
 * it has been silent for one), by destroying its socket with a
 * `HeartbeatTimeoutError`. It replaces amqplib's own check, which only
 * counts intervals in which nothing arrived, so it notices between two and
 * three intervals after the last byte; this notices between 2 and 2.2.
 *
 * Only for connections with a socket and a negotiated heartbeat; a no-op for
 * the others (the memory broker, `heartbeat=0`). Stops when the connection closes.
 */
export function watchHeartbeat(connection: AmqpConnection): void {
  const socket = socketOf(connection);
  const heartbeatSeconds = negotiatedHeartbeat(connection);
  if (!socket || !heartbeatSeconds) return;
  disableAmqplibHeartbeatTimeout(connection);
  const limitMs = 2 * heartbeatSeconds * 1000;
  let bytesSeen = socket.bytesRead;
  let lastHeardAt = Date.now();
  const heard = (): boolean => {
    if (socket.bytesRead === bytesSeen) return false;
    bytesSeen = socket.bytesRead;
    lastHeardAt = Date.now();
    return true;
  };
  const timer = setInterval(() => {
    if (heard() || Date.now() - lastHeardAt < limitMs) return;
    // A timer that fires late (a busy event loop) runs before that turn's
    // socket reads: look again once pending input has been read.
    setImmediate(() => {
      if (heard()) return;
      clearInterval(timer);
      socket.destroy(new HeartbeatTimeoutError(heartbeatSeconds, Date.now() - lastHeardAt));
    });
  }, limitMs / 2 / CHECKS_PER_INTERVAL);
  // The watchdog alone must not keep a process alive.
  timer.unref();
  connection.once('close', () => clearInterval(timer));
}
