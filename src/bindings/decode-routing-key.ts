import type { RoutingKeyEntry } from '../references/types.js';
import { describeValue, quote } from './describe-value.js';
import type { Binding, FieldsOf, RoutingKeyFields } from './types.js';

/** Anything that knows an exchange's routing-key entries: a binding or a reference entry. */
export type RoutingKeySource =
  | Pick<Binding, 'routingKeyReference'>
  | { readonly routingKey: readonly RoutingKeyEntry[] };

/** Thrown when a received routing key does not fit the exchange's routing-key reference. */
export class RoutingKeyDecodeError extends Error {
  override readonly name = 'RoutingKeyDecodeError';
  constructor(readonly routingKey: string, readonly rule: string) {
    super(`routing key ${quote(routingKey)}: ${rule}`);
  }
}

/** Decodes routing keys of one exchange; compiled once per binding, the layout is not worked out again per key. */
export type RoutingKeyDecoder = (routingKey: string) => RoutingKeyFields;

/**
 * Turns a received routing key back into named fields. Single-word entries are
 * taken from the front up to the multi-word entry, then from the back; the
 * multi-word entry gets whatever is left, joined with dots.
 */
export function decodeRoutingKey<B extends Binding>(binding: B, routingKey: string): FieldsOf<B>;
export function decodeRoutingKey(source: RoutingKeySource, routingKey: string): RoutingKeyFields;
export function decodeRoutingKey(source: RoutingKeySource, routingKey: string): RoutingKeyFields {
  if (typeof routingKey !== 'string') {
    throw new RoutingKeyDecodeError(asText(routingKey), `must be a string, got ${describeValue(routingKey)}`);
  }
  return compileRoutingKeyDecoder(source, routingKey)(routingKey);
}

/**
 * `decodeRoutingKey` for one exchange, with the layout (where the multi-word
 * entry is, how many words each side, the constants) worked out once: the
 * Pulse client decodes every delivery with it.
 */
export function compileRoutingKeyDecoder(source: RoutingKeySource, forErrors = ''): RoutingKeyDecoder {
  const entries = entriesOf(source, forErrors);
  const names = entries.map((entry) => entry.name);
  const constants = entries.map((entry) => entry.constant);
  const multi = entries.findIndex((entry) => entry.multipleWords);
  const singleCount = multi === -1 ? entries.length : entries.length - 1;
  const head = multi === -1 ? entries.length : multi;
  const tailCount = multi === -1 ? 0 : entries.length - multi - 1;
  // Assignment is the fast path; a field named `__proto__` must be defined instead, or it would set the prototype.
  const assignable = !names.includes('__proto__');
  return (routingKey) => {
    if (typeof routingKey !== 'string') {
      throw new RoutingKeyDecodeError(asText(routingKey), `must be a string, got ${describeValue(routingKey)}`);
    }
    const words = routingKey.split('.');
    if (multi === -1 ? words.length !== entries.length : words.length < singleCount) {
      throw new RoutingKeyDecodeError(
        routingKey,
        `has ${words.length} words; the exchange's routing key has ${multi === -1 ? 'exactly' : 'at least'} ${singleCount}`,
      );
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < entries.length; i++) {
      const value =
        i < head ? words[i]! : i === multi ? words.slice(multi, words.length - tailCount).join('.') : words[words.length - (entries.length - i)]!;
      const constant = constants[i];
      if (constant !== undefined && value !== constant) {
        throw new RoutingKeyDecodeError(routingKey, `"${names[i]}" must be "${constant}", got ${quote(value)}`);
      }
      if (assignable) fields[names[i]!] = value;
      else Object.defineProperty(fields, names[i]!, { value, enumerable: true, writable: true, configurable: true });
    }
    return fields;
  };
}

function entriesOf(source: RoutingKeySource, routingKey: string): readonly RoutingKeyEntry[] {
  const entries: unknown =
    typeof source !== 'object' || source === null
      ? undefined
      : 'routingKeyReference' in source
        ? source.routingKeyReference
        : 'routingKey' in source
          ? source.routingKey
          : undefined;
  if (!Array.isArray(entries) || !entries.every((entry) => typeof entry?.name === 'string')) {
    throw new RoutingKeyDecodeError(
      routingKey,
      `cannot be decoded: the first argument must be a binding or an exchange entry (with routing-key entries), got ${describeValue(source)}`,
    );
  }
  return entries as readonly RoutingKeyEntry[];
}

/** A non-string key as text for the error, without calling any of its methods. */
function asText(value: unknown): string {
  if (typeof value === 'symbol') return value.toString();
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? describeValue(value) : String(value);
}
