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

/** Where each entry of an exchange's routing key sits, worked out once per exchange. */
interface KeyLayout {
  readonly names: readonly string[];
  readonly constants: readonly (string | undefined)[];
  /** Index of the multi-word entry, or -1. */
  readonly multi: number;
  readonly singleCount: number;
  /** Entries before the multi-word one (all of them without one). */
  readonly head: number;
  /** Entries after the multi-word one. */
  readonly tailCount: number;
}

function layoutOf(source: RoutingKeySource, forErrors: string): KeyLayout {
  const entries = entriesOf(source, forErrors);
  const multi = entries.findIndex((entry) => entry.multipleWords);
  return {
    names: entries.map((entry) => entry.name),
    constants: entries.map((entry) => entry.constant),
    multi,
    singleCount: multi === -1 ? entries.length : entries.length - 1,
    head: multi === -1 ? entries.length : multi,
    tailCount: multi === -1 ? 0 : entries.length - multi - 1,
  };
}

/**
 * `decodeRoutingKey` for one exchange, with the layout (where the multi-word
 * entry is, how many words each side, the constants) worked out once: the
 * Pulse client decodes every delivery with it.
 */
export function compileRoutingKeyDecoder(source: RoutingKeySource, forErrors = ''): RoutingKeyDecoder {
  const { names, constants, multi, singleCount, head, tailCount } = layoutOf(source, forErrors);
  const count = names.length;
  // Assignment is the fast path; a field named `__proto__` must be defined instead, or it would set the prototype.
  const assignable = !names.includes('__proto__');
  return (routingKey) => {
    if (typeof routingKey !== 'string') {
      throw new RoutingKeyDecodeError(asText(routingKey), `must be a string, got ${describeValue(routingKey)}`);
    }
    const words = routingKey.split('.');
    if (multi === -1 ? words.length !== count : words.length < singleCount) {
      throw new RoutingKeyDecodeError(
        routingKey,
        `has ${words.length} words; the exchange's routing key has ${multi === -1 ? 'exactly' : 'at least'} ${singleCount}`,
      );
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      const value =
        i < head ? words[i]! : i === multi ? words.slice(multi, words.length - tailCount).join('.') : words[words.length - (count - i)]!;
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

/** Tells whether a routing key decodes, without decoding it (nothing allocated). */
export type RoutingKeyCheck = (routingKey: string) => boolean;

/**
 * Whether `compileRoutingKeyDecoder(source)` would decode a key rather than
 * throw: the word count and the constants, checked in place. The client checks
 * every delivery with it and decodes the fields only when they are read.
 */
export function compileRoutingKeyCheck(source: RoutingKeySource): RoutingKeyCheck {
  const { names, constants, multi, singleCount, head, tailCount } = layoutOf(source, '');
  const count = names.length;
  const anyConstant = constants.some((constant) => constant !== undefined);
  return (routingKey) => {
    if (typeof routingKey !== 'string') return false;
    let words = 1;
    for (let at = routingKey.indexOf('.'); at !== -1; at = routingKey.indexOf('.', at + 1)) words++;
    if (multi === -1 ? words !== count : words < singleCount) return false;
    if (!anyConstant) return true;
    // Word w is entry w in the head, entry `count - (words - w)` in the tail, else part of the multi-word entry.
    const tailFrom = words - tailCount;
    let start = 0;
    let multiStart = 0;
    for (let w = 0; w < words; w++) {
      const dot = routingKey.indexOf('.', start);
      const end = dot === -1 ? routingKey.length : dot;
      if (w === head) multiStart = start;
      if (w < head) {
        if (!isAt(routingKey, constants[w], start, end)) return false;
      } else if (w >= tailFrom) {
        if (!isAt(routingKey, constants[count - (words - w)], start, end)) return false;
      } else if (w === tailFrom - 1 && !isAt(routingKey, constants[multi], multiStart, end)) {
        return false; // the multi-word entry's value, dots and all
      }
      start = end + 1;
    }
    // A multi-word entry without words of its own is the empty string.
    return multi === -1 || tailFrom !== head || constants[multi] === undefined || constants[multi] === '';
  };
}

/** No constant, or `key.slice(start, end)` is it (without slicing). */
function isAt(key: string, constant: string | undefined, start: number, end: number): boolean {
  return constant === undefined || (end - start === constant.length && key.startsWith(constant, start));
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
