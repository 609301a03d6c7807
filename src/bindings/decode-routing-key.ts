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
  const entries = entriesOf(source, routingKey);
  const words = routingKey.split('.');
  const multi = entries.findIndex((entry) => entry.multipleWords);
  const singleCount = multi === -1 ? entries.length : entries.length - 1;
  if (multi === -1 ? words.length !== entries.length : words.length < singleCount) {
    throw new RoutingKeyDecodeError(
      routingKey,
      `has ${words.length} words; the exchange's routing key has ${multi === -1 ? 'exactly' : 'at least'} ${singleCount}`,
    );
  }
  const byIndex: string[] = [];
  const head = multi === -1 ? entries.length : multi;
  for (let i = 0; i < head; i++) byIndex[i] = words[i]!;
  if (multi !== -1) {
    const tailCount = entries.length - multi - 1;
    for (let i = 0; i < tailCount; i++) byIndex[multi + 1 + i] = words[words.length - tailCount + i]!;
    byIndex[multi] = words.slice(multi, words.length - tailCount).join('.');
  }
  const fields: Record<string, string> = {};
  entries.forEach((entry, i) => {
    const value = byIndex[i]!;
    if (entry.constant !== undefined && value !== entry.constant) {
      throw new RoutingKeyDecodeError(routingKey, `"${entry.name}" must be "${entry.constant}", got ${quote(value)}`);
    }
    // Defined, not assigned: a field named `__proto__` is a field, not a prototype.
    Object.defineProperty(fields, entry.name, { value, enumerable: true, writable: true, configurable: true });
  });
  return fields;
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
