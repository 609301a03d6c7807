import { ConnectionFailedError, QueueSetupError } from './broker-errors.js';
import { redactCredentials } from './error-json.js';
import { jsonLineLogger, type LogLevel, type PulseLogger } from './logger.js';
import { DeliveryLimitError } from './pulse-errors.js';
import { QueueDeletedError } from './queue-watch.js';

/**
 * What a `PulseClient` tells its logger, and when.
 *
 * With a logger configured, every event goes to it. Without one, only
 * reported errors are written (as JSON lines on stderr), and only while
 * nobody listens for `'error'`: eventemitter3 drops an unheard `'error'`, and
 * a bot that forgot `on('error')` must still hear of dead-lettered, dropped
 * and malformed messages; a bot that listens keeps full control.
 * A user's listener that throws is always logged: it is a bug to hear about.
 */
export class ClientLog {
  readonly #logger: PulseLogger | undefined;
  readonly #fallback: PulseLogger;

  constructor(
    logger: PulseLogger | undefined,
    private readonly listensForErrors: () => boolean,
    /** Every message passes through this (the client's password redaction). */
    private readonly redact: (text: string) => string,
    fallback: PulseLogger = jsonLineLogger(),
  ) {
    this.#logger = logger;
    this.#fallback = fallback;
  }

  /** An event the client emits: `args` as passed to its listeners. */
  event(event: string | symbol, args: readonly unknown[]): void {
    if (event === 'error') {
      const error = toError(args[0]);
      const target = this.#logger ?? (this.listensForErrors() ? undefined : this.#fallback);
      if (target) this.#write(target, errorLevel(error), { event: 'error', ...errorFields(error) }, error.message);
      return;
    }
    if (!this.#logger) return;
    const entry = describeEvent(String(event), args[0]);
    this.#write(this.#logger, entry.level, entry.fields, entry.message);
  }

  /** Connecting gave up; the stream that asked carries the error too. */
  connectionFailed(error: ConnectionFailedError): void {
    if (this.#logger) this.#write(this.#logger, 'error', { event: 'connection-failed', ...errorFields(error), reason: error.reason }, error.message);
  }

  /** A listener of the user's threw; the client carried on. */
  listenerFailed(event: string | symbol, thrown: unknown): void {
    const error = toError(thrown);
    const fields = { event: 'listener-error', listenerEvent: String(event), name: error.name };
    this.#write(this.#logger ?? this.#fallback, 'error', fields, `a listener for "${String(event)}" threw (ignored; the client carries on): ${error.message}`);
  }

  #write(logger: PulseLogger, level: LogLevel, fields: object, message: string | undefined): void {
    // Every text goes out masked: the client's passwords, and credentials other libraries' messages quote.
    const mask = (text: string) => redactCredentials(this.redact(text));
    const masked = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, typeof value === 'string' ? mask(value) : value]));
    try {
      logger[level](masked, message === undefined ? undefined : mask(message));
    } catch (error) {
      // A broken logger must not break the client; say so where it can be seen.
      if (logger !== this.#fallback) this.#fallback.error({ event: 'logger-error', name: toError(error).name }, 'the configured logger threw; entry lost');
    }
  }
}

interface LogEntry {
  readonly level: LogLevel;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string | undefined;
}

/** Log entries of the client's lifecycle events, from their documented arguments. */
function describeEvent(event: string, info: unknown): LogEntry {
  const field = (name: string): unknown => (typeof info === 'object' && info !== null ? (info as Record<string, unknown>)[name] : undefined);
  const errorMessage = (field('error') as Error | undefined)?.message;
  switch (event) {
    case 'connected':
      return { level: 'info', fields: { event, url: field('url'), connectionName: field('connectionName') }, message: 'connected' };
    case 'disconnected':
      return { level: 'warn', fields: { event, url: field('url'), error: errorMessage }, message: 'connection lost; reconnecting' };
    case 'reconnecting':
      return { level: 'warn', fields: { event, attempt: field('attempt'), delayMs: field('delayMs'), error: errorMessage }, message: 'connection attempt failed; retrying' };
    case 'consuming':
      return { level: field('resumed') ? 'info' : 'debug', fields: { event, queue: field('queue'), consumerTag: field('consumerTag'), resumed: field('resumed') }, message: 'consuming' };
    case 'unbound': {
      const bindings = (field('bindings') ?? []) as readonly { exchange: string; routingKeyPattern: string }[];
      const list = bindings.map((b) => `${b.exchange} "${b.routingKeyPattern}"`);
      return { level: 'info', fields: { event, queue: field('queue'), bindings: list }, message: `removed stale bindings: ${list.join(', ')}` };
    }
    case 'handover':
      return { level: 'info', fields: { event, from: field('from'), to: field('to'), state: field('state') }, message: field('state') === 'deleted' ? 'old queue emptied and deleted' : 'draining the old queue' };
    case 'blocked':
      return { level: 'warn', fields: { event, reason: String(info) }, message: 'the broker blocked this connection' };
    case 'unblocked':
      return { level: 'info', fields: { event }, message: 'the broker unblocked this connection' };
    case 'queue-depth': {
      const level = field('level');
      const fields = { event, queue: field('queue'), messageCount: field('messageCount'), consumerCount: field('consumerCount'), level, previousLevel: field('previousLevel') };
      if (level === 'critical') return { level: 'error', fields, message: 'queue depth at the critical limit (the Pulse guardian deletes queues this deep)' };
      if (level === 'warn') return { level: 'warn', fields, message: 'queue depth above the warning limit' };
      return { level: 'info', fields, message: 'queue depth back below the warning limit' };
    }
    default:
      return { level: 'debug', fields: { event }, message: undefined };
  }
}

/** Known, non-secret properties of the client's errors; never the error object itself (its cause may quote anything). */
function errorFields(error: Error): Record<string, unknown> {
  const record = error as unknown as Record<string, unknown>;
  const delivery = record.delivery as { queue?: unknown; exchange?: unknown; routingKey?: unknown } | undefined;
  const fields: Record<string, unknown> = { name: error.name };
  const queue = delivery?.queue ?? record.queue;
  if (typeof queue === 'string') fields.queue = queue;
  if (typeof delivery?.exchange === 'string') fields.exchange = delivery.exchange;
  if (typeof delivery?.routingKey === 'string') fields.routingKey = delivery.routingKey;
  if (typeof record.code === 'number') fields.code = record.code;
  return fields;
}

/** Messages lost or a stream ended are errors; what the client recovers from is a warning. */
function errorLevel(error: Error): LogLevel {
  const lost = error instanceof DeliveryLimitError || error instanceof QueueDeletedError;
  return lost || error instanceof QueueSetupError || error instanceof ConnectionFailedError ? 'error' : 'warn';
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
