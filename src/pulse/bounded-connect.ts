import type { AmqpConnection, AmqpSocketOptions } from './amqp-api.js';
import type { BrokerAddress } from './broker-address.js';
import { openConnection } from './connectors.js';
import { PulseError } from './error-json.js';
import { watchHeartbeat } from './heartbeat-watchdog.js';

/** A connection attempt (socket and AMQP handshake) that did not finish within its time. */
export class ConnectTimeoutError extends PulseError {
  override readonly name = 'ConnectTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`connection attempt timed out after ${timeoutMs} ms`);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { timeoutMs: this.timeoutMs };
  }
}

/**
 * Opens a connection within `timeoutMs`, the whole handshake included
 * (amqplib's own timeout covers a silent socket only), with the heartbeat
 * watchdog on. When the time is up or `signal` aborts, the attempt ends at
 * once: its socket is destroyed, and a connection that opens all the same is
 * closed. Rejects with `ConnectTimeoutError`, or with the signal's reason.
 */
export function connectWithin(
  target: string | BrokerAddress,
  socketOptions: AmqpSocketOptions,
  { timeoutMs, signal }: { readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<AmqpConnection> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const attempt = new AbortController();
  const opening = openConnection(target, { ...socketOptions, signal: attempt.signal });
  return new Promise((resolve, reject) => {
    const giveUp = (reason: unknown) => {
      finish();
      attempt.abort(reason);
      // A connection that opens all the same must not leak.
      opening.then((late) => late.close()).catch(() => undefined);
      reject(reason);
    };
    const onAbort = () => giveUp(signal?.reason);
    const timer = setTimeout(() => giveUp(new ConnectTimeoutError(timeoutMs)), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    opening.then(
      (connection) => {
        if (attempt.signal.aborted) return;
        finish();
        watchHeartbeat(connection);
        resolve(connection);
      },
      (error: unknown) => {
        if (attempt.signal.aborted) return;
        finish();
        reject(error);
      },
    );
  });
}
