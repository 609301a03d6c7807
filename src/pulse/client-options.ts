import { randomBytes } from 'node:crypto';
import { hostname as machineName } from 'node:os';
import type { BackoffOptions, ResolvedBackoff } from './backoff.js';
import { resolveBackoff } from './backoff.js';
import { BrokerAddress } from './broker-address.js';
import { checkScheme } from './connectors.js';
import type { PulseCredentialsProvider } from './credentials-provider.js';
import type { MeterProvider } from '@opentelemetry/api';
import { resolveQueueDepth, type QueueDepthLimits, type QueueDepthOptions } from './health/queue-depth-options.js';
import type { PulseLogger } from './logger.js';
import { PulseConfigError } from './pulse-errors.js';

// It lived here first; importers of this module keep finding it.
export { PulseConfigError };

/** Where and how to connect. Give `url`/`urls`, or `username` + `password` + `hostname`. */
export interface PulseClientOptions {
  /**
   * A broker URL, e.g. `amqps://user:secret@pulse.mozilla.org:5671` or
   * `memory://test`. The password may hold reserved characters unencoded:
   * the userinfo ends at the last `@`.
   */
  readonly url?: string | BrokerAddress;
  /** Several broker URLs, tried in turn on (re)connection: failover across nodes of a cluster. */
  readonly urls?: readonly (string | BrokerAddress)[];
  readonly username?: string;
  readonly password?: string;
  /**
   * Credentials that change (rotated passwords): called before every
   * connection attempt, within `connectTimeoutMs`, so a new password is used
   * from the next reconnection on. Give the broker without a password
   * (`url`/`urls`, or `hostname`), and `namespace` unless the URL names the user.
   */
  readonly credentials?: PulseCredentialsProvider;
  readonly hostname?: string;
  /** Default `/`. */
  readonly vhost?: string;
  /** Default `amqps` (Pulse); `amqp` for a local broker. */
  readonly protocol?: 'amqp' | 'amqps';
  /** Default 5671 for amqps, 5672 for amqp. */
  readonly port?: number;
  /**
   * Prefix of queue and exchange names (`queue/<namespace>/...`). Pulse only
   * allows your own username here, which is the default.
   */
  readonly namespace?: string;
  /**
   * Heartbeat interval in seconds. A link on which the broker stays silent is
   * declared dead 2 to 2.2 intervals after its last byte (`disconnected` with
   * a `HeartbeatTimeoutError`), then reconnected. 0 disables. Default 20.
   */
  readonly heartbeatSeconds?: number;
  /** Reconnection backoff (exponential with jitter); `reconnect.maxAttempts` caps consecutive failed attempts. */
  readonly reconnect?: BackoffOptions;
  /** Shown by the broker (`rabbitmqctl list_connections name client_properties`). Default `taskcluster-pulse/<namespace>/<host>/<pid>/<random>`. */
  readonly connectionName?: string;
  /** How long `close()` (and unsubscribing) waits for in-flight handlers and unsettled messages. Default 10 s. */
  readonly closeTimeoutMs?: number;
  /** Connect timeout per attempt. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Close the connection whenever no subscription is live (reopened on demand). Default false. */
  readonly releaseWhenIdle?: boolean;
  /**
   * Recycle the connection about this often (± 20 % jitter, so replicas do
   * not recycle together): open a new one, move every subscription to it,
   * let messages delivered on the old one settle (up to `closeTimeoutMs`),
   * then close it. Exercises reconnection and picks up rotated `credentials`
   * and rebalanced cluster nodes; at least once, never a message lost.
   * Default: never. At least 1000.
   */
  readonly recycleAfterMs?: number;
  /**
   * Receives every event the client reports (pino's shape: `logger.warn(fields, message)`).
   * Default: reported errors as JSON lines on stderr, only while nobody listens for `'error'`.
   */
  readonly logger?: PulseLogger;
  /**
   * Where the client's OpenTelemetry metrics go. Default: the global meter
   * provider when the client is created (so install the SDK first); without
   * an SDK nothing is recorded, at no cost.
   */
  readonly meterProvider?: MeterProvider;
  /** Queue depth sampling and its warning limits (default: the Pulse guardian's, 2,000 and 8,000). */
  readonly queueDepth?: QueueDepthOptions;
}

export interface ResolvedClientOptions {
  /** The brokers, with the heartbeat set; their `display` is safe to log. */
  readonly addresses: readonly BrokerAddress[];
  /** Asked for the login before every connection attempt; the addresses then hold no password. */
  readonly credentials: PulseCredentialsProvider | undefined;
  readonly namespace: string;
  readonly heartbeatSeconds: number;
  readonly reconnect: ResolvedBackoff;
  readonly connectionName: string;
  readonly closeTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly releaseWhenIdle: boolean;
  readonly recycleAfterMs: number | undefined;
  readonly logger: PulseLogger | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly queueDepth: QueueDepthLimits;
}

const NAMESPACE_PATTERN = /^[A-Za-z0-9_.-]+$/;

export function resolveClientOptions(options: PulseClientOptions): ResolvedClientOptions {
  const given = [options.url !== undefined && 'url', options.urls !== undefined && 'urls', options.hostname !== undefined && 'hostname'].filter(Boolean);
  if (given.length > 1) throw new PulseConfigError(given.join('/'), 'give only one of url, urls, or username/password/hostname');
  const credentials = options.credentials;
  if (credentials !== undefined && typeof credentials !== 'function') {
    throw new PulseConfigError('credentials', 'must be a function returning {username, password} (or a promise of it)');
  }
  let addresses: BrokerAddress[];
  let namespace = options.namespace;
  if (options.url !== undefined || options.urls !== undefined) {
    if (options.urls !== undefined && !Array.isArray(options.urls)) throw new PulseConfigError('urls', 'must be an array of broker URLs');
    const urls = options.url !== undefined ? [options.url] : [...options.urls!];
    if (urls.length === 0) throw new PulseConfigError('urls', 'must hold at least one URL');
    addresses = urls.map((url, i) => {
      const field = options.url !== undefined ? 'url' : `urls[${i}]`;
      const address = url instanceof BrokerAddress ? url : BrokerAddress.parse(url, field);
      checkScheme(address, field);
      if (credentials && address.hasPassword) throw new PulseConfigError(field, 'holds a password, and credentials is given: the provider supplies the login; remove the password from the URL');
      return address;
    });
    for (const field of ['username', 'password', 'vhost', 'protocol', 'port'] as const) {
      if (options[field] !== undefined) throw new PulseConfigError(field, 'cannot be combined with url/urls; put it in the URL');
    }
    if (credentials && namespace === undefined && !addresses[0]!.username) throw namespaceNeeded();
    namespace ??= addresses[0]!.username || 'guest';
  } else {
    if (!options.hostname) throw new PulseConfigError('hostname', 'is required (or give url)');
    if (credentials) {
      for (const field of ['username', 'password'] as const) {
        if (options[field] !== undefined) throw new PulseConfigError(field, 'cannot be combined with credentials: the provider supplies the login');
      }
      if (namespace === undefined) throw namespaceNeeded();
    } else {
      if (!options.username) throw new PulseConfigError('username', 'is required with hostname');
      if (options.password === undefined) throw new PulseConfigError('password', 'is required with hostname');
    }
    const protocol = options.protocol ?? 'amqps';
    if (protocol !== 'amqp' && protocol !== 'amqps') throw new PulseConfigError('protocol', `must be "amqp" or "amqps", got "${String(protocol)}"`);
    const port = options.port ?? (protocol === 'amqps' ? 5671 : 5672);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PulseConfigError('port', `must be an integer 1-65535, got ${String(port)}`);
    const vhost = options.vhost ?? '/';
    if (typeof vhost !== 'string' || vhost === '') throw new PulseConfigError('vhost', 'must be a non-empty string ("/" is the default vhost)');
    addresses = [
      credentials
        ? BrokerAddress.parse(`${protocol}://${options.hostname}:${port}/${encodeURIComponent(vhost)}`, 'hostname')
        : BrokerAddress.fromParts({ protocol, hostname: options.hostname, port, username: options.username!, password: options.password!, vhost }),
    ];
    namespace ??= options.username;
  }
  if (!namespace || !NAMESPACE_PATTERN.test(namespace)) {
    throw new PulseConfigError('namespace', `must be non-empty letters, digits, "_", "." or "-" (your Pulse username), got "${namespace ?? ''}"`);
  }
  const heartbeatSeconds = options.heartbeatSeconds ?? 20;
  if (!Number.isInteger(heartbeatSeconds) || heartbeatSeconds < 0) {
    throw new PulseConfigError('heartbeatSeconds', `must be an integer >= 0 (0 disables heartbeats), got ${String(heartbeatSeconds)}`);
  }
  const closeTimeoutMs = nonNegative('closeTimeoutMs', options.closeTimeoutMs ?? 10_000);
  const connectTimeoutMs = nonNegative('connectTimeoutMs', options.connectTimeoutMs ?? 10_000);
  let reconnect: ResolvedBackoff;
  try {
    reconnect = resolveBackoff(options.reconnect);
  } catch (error) {
    const message = (error as Error).message;
    throw new PulseConfigError(message.slice(0, message.indexOf(':')), message.slice(message.indexOf(':') + 2));
  }
  const connectionName =
    options.connectionName ?? `taskcluster-pulse/${namespace}/${machineName()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  return {
    addresses: addresses.map((address) => address.withDefault('heartbeat', heartbeatSeconds)),
    credentials,
    namespace,
    heartbeatSeconds,
    reconnect,
    connectionName,
    closeTimeoutMs,
    connectTimeoutMs,
    releaseWhenIdle: options.releaseWhenIdle ?? false,
    recycleAfterMs: checkRecycleAfter(options.recycleAfterMs),
    logger: checkLogger(options.logger),
    meterProvider: checkMeterProvider(options.meterProvider),
    queueDepth: resolveQueueDepth(options.queueDepth),
  };
}

/** The default when nothing is configured: a local RabbitMQ with its default account. */
export const LOCAL_BROKER_URL = 'amqp://guest:guest@localhost:5672';

/**
 * Options from the environment: `PULSE_URL`, or `PULSE_USERNAME`,
 * `PULSE_PASSWORD`, `PULSE_HOSTNAME` and optionally `PULSE_VHOST`
 * (then amqps on 5671). With none of them set, a local broker as guest.
 */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): PulseClientOptions {
  const url = env.PULSE_URL;
  const parts = ['PULSE_USERNAME', 'PULSE_PASSWORD', 'PULSE_HOSTNAME'] as const;
  const present = parts.filter((name) => env[name]);
  if (url) {
    if (present.length > 0) throw new PulseConfigError(present.join('/'), 'cannot be combined with PULSE_URL; set one or the other');
    return { url };
  }
  if (present.length === 0) {
    if (env.PULSE_VHOST) throw new PulseConfigError('PULSE_VHOST', 'needs PULSE_USERNAME, PULSE_PASSWORD and PULSE_HOSTNAME');
    return { url: LOCAL_BROKER_URL };
  }
  const missing = parts.filter((name) => !env[name]);
  if (missing.length > 0) throw new PulseConfigError(missing.join(', '), `must be set too when ${present.join(', ')} ${present.length > 1 ? 'are' : 'is'} set`);
  return {
    username: env.PULSE_USERNAME!,
    password: env.PULSE_PASSWORD!,
    hostname: env.PULSE_HOSTNAME!,
    ...(env.PULSE_VHOST ? { vhost: env.PULSE_VHOST } : {}),
  };
}

function checkRecycleAfter(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1000) {
    throw new PulseConfigError('recycleAfterMs', `must be a finite number of milliseconds >= 1000 (or left out: never recycle), got ${String(value)}`);
  }
  return value;
}

function namespaceNeeded(): PulseConfigError {
  return new PulseConfigError('namespace', 'is required with credentials when the URL names no user (the username is known only once the provider answers)');
}

function nonNegative(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new PulseConfigError(field, `must be a finite number >= 0, got ${String(value)}`);
  return value;
}

function checkMeterProvider(provider: MeterProvider | undefined): MeterProvider | undefined {
  if (provider !== undefined && typeof provider?.getMeter !== 'function') {
    throw new PulseConfigError('meterProvider', "must be an OpenTelemetry MeterProvider (with getMeter), e.g. the SDK's MeterProvider");
  }
  return provider;
}

function checkLogger(logger: PulseLogger | undefined): PulseLogger | undefined {
  if (logger === undefined) return undefined;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger?.[level] !== 'function') throw new PulseConfigError(`logger.${level}`, 'must be a function (fields, message) => void, as in pino or console-like loggers');
  }
  return logger;
}
