import type { AmqpConnection, AmqpConnector, AmqpSocketOptions } from './amqp-api.js';
import { PulseError } from './error-json.js';
import { BrokerAddress, type AmqplibConnectOptions } from './broker-address.js';
import { PulseConfigError } from './pulse-errors.js';

/**
 * Connection factories by URL scheme. `PulseClient` opens every connection
 * through here, so another transport (the embedded memory broker) plugs in by
 * registering its scheme; amqplib is the default for `amqp:` and `amqps:`.
 */
const connectors = new Map<string, AmqpConnector>();

async function connectAmqplib(options: AmqplibConnectOptions, socketOptions: AmqpSocketOptions): Promise<AmqpConnection> {
  // Loaded on the first connection, not on import: the package's importers
  // that never connect (REST-only bots, the memory broker) do not pay for it.
  const amqplib = await import('amqplib');
  // amqplib's ChannelModel is the reference implementation of AmqpConnection;
  // this assignment is where the compiler checks that it still is.
  const connection: AmqpConnection = await amqplib.connect({ ...options }, { ...socketOptions });
  return connection;
}

// Given a URL, amqplib would parse it with WHATWG URL rules, which misread
// unencoded reserved characters in passwords: it always gets an object.
const amqplibConnector: AmqpConnector = (url, socketOptions) => connectAmqplib(BrokerAddress.parse(url).amqplibOptions(), socketOptions);
connectors.set('amqp:', amqplibConnector);
connectors.set('amqps:', amqplibConnector);

/** Thrown when a URL's scheme has no connector. */
export class UnsupportedSchemeError extends PulseError {
  override readonly name = 'UnsupportedSchemeError';
}

/**
 * Registers (or replaces) the connector for a URL scheme, given with its colon,
 * e.g. `registerConnector('memory:', connectMemoryBroker)`.
 */
export function registerConnector(scheme: string, connector: AmqpConnector): void {
  if (!/^[a-z][a-z0-9+.-]*:$/.test(scheme)) {
    throw new TypeError(`registerConnector: scheme must look like "memory:" (lowercase, ending in a colon), got "${scheme}"`);
  }
  connectors.set(scheme, connector);
}

/** The URL's scheme, lowercased with its colon, without parsing the rest (which may hold a password). */
export function schemeOf(url: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*:)/.exec(url);
  return match ? match[1]!.toLowerCase() : '';
}

/** Why a `memory:` URL fails when the embedded broker was never imported: what to import instead. */
const MEMORY_HINT = "memory:// URLs need the embedded broker: import 'taskcluster-pulse/testing' (or the memory broker module) first, which registers its connector";

function supportedSchemes(): string {
  return [...connectors.keys()].map((scheme) => `${scheme}//`).join(', ');
}

/** The connector for a URL's scheme. */
export async function connectorFor(url: string): Promise<AmqpConnector> {
  const scheme = schemeOf(url);
  const known = connectors.get(scheme);
  if (known) return known;
  if (scheme === 'memory:') throw new UnsupportedSchemeError(MEMORY_HINT);
  throw new UnsupportedSchemeError(`unsupported broker URL scheme "${scheme || '(none)'}"; expected one of ${supportedSchemes()}`);
}

/** Refuses, before any I/O, an address whose scheme no connector handles (`http://`, a typo, `memory://` without the test kit). */
export function checkScheme(address: BrokerAddress, field: string): void {
  const scheme = `${address.scheme}:`;
  if (connectors.has(scheme)) return;
  if (scheme === 'memory:') throw new PulseConfigError(field, MEMORY_HINT);
  throw new PulseConfigError(field, `unsupported scheme "${address.scheme}://"; use one of ${supportedSchemes()} (or register a connector for it)`);
}

/** Opens a connection to `target` with the connector for its scheme. */
export async function openConnection(target: string | BrokerAddress, socketOptions: AmqpSocketOptions): Promise<AmqpConnection> {
  const address = typeof target === 'string' ? BrokerAddress.parse(target) : target;
  const connector = await connectorFor(`${address.scheme}:`);
  if (connector === amqplibConnector) return connectAmqplib(address.amqplibOptions(), socketOptions);
  return connector(address.connectorUrl(), socketOptions);
}
