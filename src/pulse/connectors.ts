import type { AmqpConnection, AmqpConnector, AmqpSocketOptions } from './amqp-api.js';
import { errorJson, type PulseErrorJson } from './error-json.js';
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
export class UnsupportedSchemeError extends Error {
  override readonly name = 'UnsupportedSchemeError';

  toJSON(): PulseErrorJson {
    return errorJson(this);
  }
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

// Kept in a variable so the compiler does not require the module to exist:
// the memory broker is optional and loaded only when a `memory:` URL is used.
const memoryBrokerModule = '../memory-broker/index.js';

async function loadMemoryConnector(): Promise<AmqpConnector | undefined> {
  let loaded: { connectMemoryBroker?: unknown };
  try {
    loaded = (await import(memoryBrokerModule)) as { connectMemoryBroker?: unknown };
  } catch {
    return undefined;
  }
  // The module may register itself on import, or just export its connector.
  const registered = connectors.get('memory:');
  if (registered) return registered;
  if (typeof loaded.connectMemoryBroker === 'function') {
    const connector = loaded.connectMemoryBroker as AmqpConnector;
    connectors.set('memory:', connector);
    return connector;
  }
  return undefined;
}

/** The connector for a URL, loading the memory broker on first use of `memory:`. */
export async function connectorFor(url: string): Promise<AmqpConnector> {
  const scheme = schemeOf(url);
  const known = connectors.get(scheme);
  if (known) return known;
  if (scheme === 'memory:') {
    const memory = await loadMemoryConnector();
    if (memory) return memory;
    throw new UnsupportedSchemeError('memory:// broker not available: the embedded broker module (src/memory-broker) is missing or exports no connectMemoryBroker');
  }
  const supported = [...connectors.keys(), 'memory:'].filter((s, i, all) => all.indexOf(s) === i).join(', ');
  throw new UnsupportedSchemeError(`unsupported broker URL scheme "${scheme || '(none)'}"; expected one of ${supported}`);
}

/** Refuses, before any I/O, an address whose scheme no connector handles (`http://`, a typo). */
export function checkScheme(address: BrokerAddress, field: string): void {
  const scheme = `${address.scheme}:`;
  if (connectors.has(scheme) || scheme === 'memory:') return;
  const supported = [...new Set([...connectors.keys(), 'memory:'])].map((s) => `${s}//`).join(', ');
  throw new PulseConfigError(field, `unsupported scheme "${address.scheme}://"; use one of ${supported} (or register a connector for it)`);
}

/** Opens a connection to `target` with the connector for its scheme. */
export async function openConnection(target: string | BrokerAddress, socketOptions: AmqpSocketOptions): Promise<AmqpConnection> {
  const address = typeof target === 'string' ? BrokerAddress.parse(target) : target;
  const connector = await connectorFor(`${address.scheme}:`);
  if (connector === amqplibConnector) return connectAmqplib(address.amqplibOptions(), socketOptions);
  return connector(address.connectorUrl(), socketOptions);
}
