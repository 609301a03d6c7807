import type { RoutingKeyEntry } from '../references/types.js';
import { BindingError } from './binding-error.js';

/** Longest routing key (and so pattern) AMQP 0-9-1 allows: a short string, 255 bytes. */
export const MAX_ROUTING_KEY_BYTES = 255;

/**
 * Builds the topic pattern Taskcluster's own clients build, entry by entry:
 * a constant always wins; a number becomes its decimal string; a string with a
 * dot is refused unless the entry is multi-word; a missing value becomes `#` for
 * a multi-word entry and `*` otherwise. Stricter than those clients where they
 * are silently wrong: unknown field names, empty strings, non-integral numbers
 * and values of other types are errors.
 */
export function buildRoutingKeyPattern(
  exchange: string,
  entries: readonly RoutingKeyEntry[],
  fields: Readonly<Record<string, unknown>>,
): string {
  checkKnownFields(exchange, entries, fields);
  const words = entries.map((entry) => {
    if (entry.constant !== undefined) {
      const given = fields[entry.name];
      if (given !== undefined && given !== null && String(given) !== entry.constant) {
        throw new BindingError(exchange, entry.name, `is always "${entry.constant}"; leave it out`);
      }
      return entry.constant;
    }
    const value = routingKeyWord(exchange, entry, fields[entry.name]);
    return value ?? (entry.multipleWords ? '#' : '*');
  });
  const pattern = words.join('.');
  checkLength(exchange, pattern, 'routing-key pattern');
  return pattern;
}

/** Refuses field names the exchange does not have: a typo must not widen a binding to everything. */
export function checkKnownFields(
  exchange: string,
  entries: readonly RoutingKeyEntry[],
  fields: Readonly<Record<string, unknown>>,
): void {
  for (const name of Object.keys(fields)) {
    if (!entries.some((entry) => entry.name === name)) {
      const known = entries.filter((e) => e.constant === undefined).map((e) => e.name);
      throw new BindingError(exchange, name, `is not a routing-key field of this exchange; known fields: ${known.join(', ')}`);
    }
  }
}

/**
 * One field's value as routing-key text, or undefined when it is absent.
 * Shared by patterns (bindings) and concrete keys (publishing).
 */
export function routingKeyWord(exchange: string, entry: RoutingKeyEntry, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  let word: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new BindingError(exchange, entry.name, `must be a string or an integer, got the number ${value}`);
    }
    word = String(value);
  } else if (typeof value === 'string') {
    word = value;
  } else {
    throw new BindingError(exchange, entry.name, `must be a string or a number, got ${describe(value)}`);
  }
  if (word === '') {
    throw new BindingError(exchange, entry.name, 'must not be an empty string; leave it out to match any value');
  }
  if (!entry.multipleWords && word.includes('.')) {
    throw new BindingError(exchange, entry.name, `"${word}" contains a dot, but this entry is a single word`);
  }
  return word;
}

export function checkLength(exchange: string, key: string, what: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_ROUTING_KEY_BYTES) {
    throw new BindingError(exchange, undefined, `${what} is ${bytes} bytes; AMQP allows at most ${MAX_ROUTING_KEY_BYTES}`);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
