import type { RoutingKeyEntry } from '../references/types.js';
import type { Binding, FieldsOf, RoutingKeyFields } from './types.js';

/** Anything that knows an exchange's routing-key entries: a binding or a reference entry. */
export type RoutingKeySource =
  | Pick<Binding, 'routingKeyReference'>
  | { readonly routingKey: readonly RoutingKeyEntry[] };

/** Thrown when a received routing key does not fit the exchange's routing-key reference. */
export class RoutingKeyDecodeError extends Error {
  override readonly name = 'RoutingKeyDecodeError';
  constructor(readonly routingKey: string, readonly rule: string) {
    super(`routing key "${routingKey}": ${rule}`);
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
  const entries = 'routingKeyReference' in source ? source.routingKeyReference : source.routingKey;
  const words = routingKey.split('.');
  const multi = entries.findIndex((entry) => entry.multipleWords);
  const singleCount = multi === -1 ? entries.length : entries.length - 1;
  if (multi === -1 ? words.length !== entries.length : words.length < singleCount) {
    throw new RoutingKeyDecodeError(
      routingKey,
      `has ${words.length} words; the exchange's routing key has ${multi === -1 ? 'exactly' : 'at least'} ${singleCount}`,
    );
  }
  const fields: Record<string, string> = {};
  const head = multi === -1 ? entries.length : multi;
  for (let i = 0; i < head; i++) fields[entries[i]!.name] = words[i]!;
  if (multi !== -1) {
    const tailCount = entries.length - multi - 1;
    for (let i = 0; i < tailCount; i++) {
      fields[entries[multi + 1 + i]!.name] = words[words.length - tailCount + i]!;
    }
    fields[entries[multi]!.name] = words.slice(multi, words.length - tailCount).join('.');
  }
  for (const entry of entries) {
    if (entry.constant !== undefined && fields[entry.name] !== entry.constant) {
      throw new RoutingKeyDecodeError(routingKey, `"${entry.name}" must be "${entry.constant}", got "${fields[entry.name]}"`);
    }
  }
  return fields;
}
