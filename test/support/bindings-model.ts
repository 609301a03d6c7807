/**
 * What bindings and routing keys must be, straight from the rules in README.md
 * (and docs/testing.md for publishing): the fuzz compares the library with this.
 * `undefined` means "must be refused".
 */
import type { RoutingKeyEntry } from '../../src/references/types.js';

type Fields = Record<string, unknown>;

const isPlain = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));
const own = (fields: Fields, name: string): unknown => (Object.hasOwn(fields, name) ? fields[name] : undefined);
const bytes = (text: string) => Buffer.byteLength(text);

/** A field value as a word; null when absent; undefined when refused. */
function word(value: unknown, multipleWords: boolean): string | null | undefined {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;
  if (text === undefined || text === '' || (!multipleWords && text.includes('.'))) return undefined;
  return text;
}

/** Fields by name: plain object, known names only. */
function namedFields(entries: readonly RoutingKeyEntry[], fields: unknown): Fields | undefined {
  if (!isPlain(fields)) return undefined;
  return Object.getOwnPropertyNames(fields).every((name) => entries.some((e) => e.name === name)) ? fields : undefined;
}

export function expectedPattern(entries: readonly RoutingKeyEntry[], args: readonly unknown[]): string | undefined {
  let fields: Fields | undefined;
  const [first] = args;
  if (args.length === 1 && typeof first === 'object' && first !== null) {
    if (!isPlain(first)) return undefined;
    if (Object.hasOwn(first, 'routingKeyPattern')) {
      const pattern = first.routingKeyPattern;
      const alone = Object.getOwnPropertyNames(first).length === 1;
      return alone && typeof pattern === 'string' && pattern !== '' && bytes(pattern) <= 255 ? pattern : undefined;
    }
    fields = namedFields(entries, first);
  } else {
    const positional = entries.filter((e) => e.constant === undefined);
    if (args.length > positional.length || args.some((a) => typeof a === 'object' && a !== null)) return undefined;
    fields = Object.create(null) as Fields;
    args.forEach((value, i) => Object.defineProperty(fields, positional[i]!.name, { value, enumerable: true }));
  }
  if (fields === undefined) return undefined;
  const words: string[] = [];
  for (const entry of entries) {
    const given = word(own(fields, entry.name), entry.multipleWords);
    if (given === undefined || (entry.constant !== undefined && given !== null && given !== entry.constant)) return undefined;
    words.push(entry.constant ?? given ?? (entry.multipleWords ? '#' : '*'));
  }
  const pattern = words.join('.');
  return bytes(pattern) <= 255 ? pattern : undefined;
}

export function expectedKey(entries: readonly RoutingKeyEntry[], fieldsArg: unknown): string | undefined {
  const fields = namedFields(entries, fieldsArg);
  if (fields === undefined) return undefined;
  const words: string[] = [];
  for (const entry of entries) {
    if (entry.constant !== undefined) {
      words.push(entry.constant);
      continue;
    }
    const given = word(own(fields, entry.name), entry.multipleWords);
    if (given === undefined || (given === null && entry.required)) return undefined;
    if (given !== null && given.split('.').some((w) => w === '*' || w === '#')) return undefined;
    words.push(given ?? '_');
  }
  const key = words.join('.');
  return bytes(key) <= 255 ? key : undefined;
}

/** The one way to split a key among the entries (at most one takes several words), or undefined. */
export function expectedFields(entries: readonly RoutingKeyEntry[], key: unknown): Record<string, string> | undefined {
  if (typeof key !== 'string') return undefined;
  const words = key.split('.');
  const multi = entries.findIndex((e) => e.multipleWords);
  const extra = words.length - entries.length;
  if (multi === -1 ? extra !== 0 : extra < -1) return undefined;
  const values = entries.map((_, i) =>
    multi === -1 || i < multi ? words[i]! : i === multi ? words.slice(i, i + extra + 1).join('.') : words[i + extra]!,
  );
  if (entries.some((e, i) => e.constant !== undefined && values[i] !== e.constant)) return undefined;
  return Object.fromEntries(entries.map((e, i) => [e.name, values[i]!]));
}
