import type { PulseMessage } from '../pulse/pulse-message.js';
import { UsageError } from './usage-error.js';

/**
 * How a received message is shown, one line each: `json` is the whole message
 * as a JSON object (for jq and scripts), `compact` a short line for a person.
 * Shared by every command that prints messages.
 */
export type MessageFormat = 'compact' | 'json';

export const messageFormatFlags = {
  format: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const messageFormatHelp = `  --format <f>       compact: one short line per message (time, exchange, routing-key
                     fields, task state); json: one JSON object per line
                     {exchange, routingKey, fields, routes, payload, redelivered}.
                     Default: compact on a terminal, json when piped.
  --json             same as --format json`;

/** The format asked for with `--format`/`--json`, else compact on a terminal and JSON lines into a pipe. */
export function messageFormatFrom(values: Readonly<Record<string, unknown>>, tty: boolean): MessageFormat {
  const format = values.format;
  if (format !== undefined && format !== 'compact' && format !== 'json') {
    throw new UsageError(`--format must be "compact" or "json", got "${String(format)}"`);
  }
  if (values.json === true) {
    if (format === 'compact') throw new UsageError('--json and --format compact contradict each other');
    return 'json';
  }
  return format ?? (tty ? 'compact' : 'json');
}

/** The JSON form of one message. */
export function messageRecord(message: PulseMessage) {
  return {
    exchange: message.exchange,
    routingKey: message.routingKey,
    fields: message.fields,
    routes: message.routes,
    payload: message.payload,
    redelivered: message.redelivered,
  };
}

/** One message as one line (no newline), in `format`; a compact line is cut to `width` columns if given. */
export function formatMessage(message: PulseMessage, format: MessageFormat, options: { readonly now?: Date; readonly width?: number } = {}): string {
  if (format === 'json') return JSON.stringify(messageRecord(message));
  const line = compactLine(message, options.now ?? new Date());
  const width = options.width;
  return width !== undefined && width > 1 && line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** Values that say nothing: a field left out when published (`_`), or empty. */
const EMPTY_VALUES = new Set(['_', '']);

function compactLine(message: PulseMessage, now: Date): string {
  const constants = new Set(message.binding.routingKeyReference.filter((e) => e.constant !== undefined).map((e) => e.name));
  const fields = Object.entries(message.fields)
    .filter(([name, value]) => !constants.has(name) && !EMPTY_VALUES.has(value))
    .map(([name, value]) => `${name}=${value}`);
  const state = taskStateOf(message.payload);
  const parts = [
    now.toISOString().slice(11, 23),
    shortName(message),
    ...fields,
    ...(state === undefined ? [] : [`state=${state}`]),
    ...(message.routes.length > 0 ? [`routes=${message.routes.length}`] : []),
    ...(message.redelivered ? ['(redelivered)'] : []),
  ];
  return parts.join(' ');
}

/** `queue.taskCompleted` for a known exchange, else the exchange's full name. */
function shortName(message: PulseMessage): string {
  return message.binding.serviceName ? `${message.binding.serviceName}.${message.binding.name}` : message.exchange;
}

/** The task's state in a queue message (`status.state`), or a top-level `state`. */
function taskStateOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { status, state } = payload as { status?: { state?: unknown }; state?: unknown };
  const found = typeof status === 'object' && status !== null ? status.state : state;
  return typeof found === 'string' ? found : undefined;
}
