import type { BrokerAddress } from './broker-address.js';
import type { ConnectionFailure } from './broker-errors.js';

/** A failed connection attempt, read: whether retrying can help, and what probably went wrong. */
export interface ConnectAttemptFailure {
  /** Set when retrying cannot help: the broker refused the login or the vhost. */
  readonly permanent: Exclude<ConnectionFailure, 'attempts-exhausted'> | undefined;
  /** The error's message with the likely cause appended, for events and errors. */
  readonly description: string;
}

/**
 * Classifies by what amqplib reports from the AMQP handshake, not by any
 * "403" in the text (a host named `rabbit-403.invalid` is a DNS failure):
 * - after start-ok, amqplib says `Handshake terminated by server: 403
 *   (ACCESS-REFUSED) ...` when the login is refused;
 * - after connection.open, RabbitMQ closes with 530 NOT_ALLOWED (vhost not
 *   found) or 403 (no permission on it), which amqplib reports as `Expected
 *   ConnectionOpenOk; got <ConnectionClose ...>` without the code. Both mean
 *   the vhost is refused.
 */
export function classifyConnectFailure(error: Error, address: BrokerAddress): ConnectAttemptFailure {
  const message = error.message;
  const handshakeCode = /^Handshake terminated by server: (\d{3}) /.exec(message)?.[1];
  if (handshakeCode === '403') {
    return {
      permanent: 'credentials-refused',
      description: `the broker refused the credentials of user "${address.username ?? 'guest'}" (403 ACCESS_REFUSED; check the username and password): ${message}`,
    };
  }
  if (/^Expected ConnectionOpenOk; got <ConnectionClose\b/.test(message)) {
    return {
      permanent: 'vhost-refused',
      description: `the broker refused vhost "${address.vhost}": it does not exist, or user "${address.username ?? 'guest'}" has no permissions on it (${message})`,
    };
  }
  return { permanent: undefined, description: `${message}${likelyCause(error, address)}` };
}

function likelyCause(error: Error, address: BrokerAddress): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (address.scheme === 'amqps' && (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(error.message))) {
    return ' (TLS to a port that does not speak TLS: is this the plain AMQP port, usually 5672? Use amqp:// there, or the TLS port, usually 5671)';
  }
  if (/^(Frame size \d+ exceeds maxFrameSize|Invalid frame|Unknown frame type|Frame on channel != 0 during handshake|Expected Connection(Start|Tune)\b)/.test(error.message)) {
    return ` (the server at ${address.hostname}${address.port ? `:${address.port}` : ''} does not speak AMQP 0-9-1: is it an HTTP or other service, or a TLS port reached with amqp://?)`;
  }
  if (address.scheme === 'amqp' && /^Socket closed abruptly during opening handshake/.test(error.message)) {
    return ' (the server closed the connection during the AMQP handshake: is this a TLS port, usually 5671? Use amqps:// there)';
  }
  return '';
}
