import type { RoutingKeyEntry } from '../references/types.js';
import { BindingError } from './binding-error.js';
import { describeValue, quote } from './describe-value.js';
import { checkPlainFields, fieldNames, isPlainObject, ownField } from './plain-fields.js';

/** Longest routing key (and so pattern) AMQP 0-9-1 allows: a short string, 255 bytes. */
export const MAX_ROUTING_KEY_BYTES = 255;

/**
 * Builds the topic pattern Taskcluster's own clients build, entry by entry:
 * a constant always wins; a number becomes its decimal string; a string with a
 * dot is refused unless the entry is multi-word; a missing value becomes `#` for
 * a multi-word entry and `*` otherwise. Stricter than those clients where they
 * are silently wrong: unknown field names, empty strings, non-integral numbers
 * and values of other types are errors, and so are fields given as anything but
 * a plain object.
 */
export function buildRoutingKeyPattern(
  exchange: string,
  entries: readonly RoutingKeyEntry[],
  fields: Readonly<Record<string, unknown>>,
): string {
  checkRoutingKeyArguments(exchange, entries, fields);
  const words = entries.map((entry) => {
    if (entry.constant !== undefined) return constantWord(exchange, entry, entry.constant, ownField(fields, entry.name));
    const value = routingKeyWord(exchange, entry, ownField(fields, entry.name));
    return value ?? (entry.multipleWords ? '#' : '*');
  });
  const pattern = words.join('.');
  checkLength(exchange, pattern, 'routing-key pattern');
  return pattern;
}

/**
 * Checks what the builders are given before reading any of it: the exchange
 * name, the routing-key entries (as a reference has them) and the fields,
 * which must be a plain object with no names the exchange does not have (a
 * typo must not widen a binding to everything).
 */
export function checkRoutingKeyArguments(
  exchange: string,
  entries: readonly RoutingKeyEntry[],
  fields: unknown,
): asserts fields is Readonly<Record<string, unknown>> {
  if (typeof exchange !== 'string') throw new BindingError('(no exchange)', 'exchange', `must be a string, got ${describeValue(exchange)}`);
  checkEntries(exchange, entries);
  checkPlainFields(exchange, fields, 'fields');
  for (const name of fieldNames(fields)) {
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
    throw new BindingError(exchange, entry.name, `must be a string or a number, got ${describeValue(value)}`);
  }
  if (word === '') {
    throw new BindingError(exchange, entry.name, 'must not be an empty string; leave it out to match any value');
  }
  if (!entry.multipleWords && word.includes('.')) {
    throw new BindingError(exchange, entry.name, `${quote(word)} contains a dot, but this entry is a single word`);
  }
  return word;
}

export function checkLength(exchange: string, key: string, what: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_ROUTING_KEY_BYTES) {
    throw new BindingError(exchange, undefined, `${what} is ${bytes} bytes; AMQP allows at most ${MAX_ROUTING_KEY_BYTES}`);
  }
}

/** A constant entry may be restated (as its string, or a number of that text) but never changed. */
function constantWord(exchange: string, entry: RoutingKeyEntry, constant: string, given: unknown): string {
  const word = routingKeyWord(exchange, entry, given);
  if (word !== undefined && word !== constant) {
    throw new BindingError(exchange, entry.name, `is always "${constant}"; leave it out`);
  }
  return constant;
}

/** The shape bindings rely on, as validateExchangeReference checks it for whole references. */
function checkEntries(exchange: string, entries: readonly RoutingKeyEntry[]): void {
  if (!Array.isArray(entries)) throw new BindingError(exchange, 'entries', `must be an array of routing-key entries, got ${describeValue(entries)}`);
  entries.forEach((entry: unknown, i) => {
    const at = `entries[${i}]`;
    if (!isPlainObject(entry)) throw new BindingError(exchange, at, `must be a routing-key entry object, got ${describeValue(entry)}`);
    if (typeof entry.name !== 'string' || entry.name === '') throw new BindingError(exchange, `${at}.name`, 'must be a non-empty string');
    if (typeof entry.multipleWords !== 'boolean') throw new BindingError(exchange, `${at}.multipleWords`, 'must be a boolean');
    if (entry.constant !== undefined && (typeof entry.constant !== 'string' || entry.constant === '' || entry.constant.includes('.'))) {
      throw new BindingError(exchange, `${at}.constant`, 'must be a non-empty string without dots');
    }
  });
}
