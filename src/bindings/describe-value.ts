/**
 * Words for values in error messages. Input may be anything (a huge string, an
 * object with a throwing getter), so nothing here calls user code or copies
 * more than a bounded amount of text.
 */

const QUOTE_LIMIT = 120;

/** `text` in quotes, shortened when long: a megabyte key must not become a megabyte message. */
export function quote(text: string): string {
  return text.length <= QUOTE_LIMIT ? `"${text}"` : `"${text.slice(0, QUOTE_LIMIT)}…" (${text.length} characters)`;
}

/** What kind of value this is: `a boolean`, `an array`, `a Date`, `an instance of Task`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return 'an object';
  // Read through descriptors so no getter runs.
  const constructor: unknown = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  const name: unknown = typeof constructor === 'function' ? Object.getOwnPropertyDescriptor(constructor, 'name')?.value : undefined;
  if (typeof name !== 'string' || name === '') return 'an object with a custom prototype';
  return BUILT_IN.has(name) ? `a ${name}${BOXED.has(name) ? ' object' : ''}` : `an instance of ${name}`;
}

const BOXED = new Set(['Number', 'String', 'Boolean', 'BigInt', 'Symbol']);
const BUILT_IN = new Set([...BOXED, 'Date', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'Promise', 'Error', 'Buffer', 'Uint8Array', 'ArrayBuffer']);
