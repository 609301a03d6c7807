import { BindingError } from './binding-error.js';
import { describeValue } from './describe-value.js';

/**
 * Routing-key fields are given as a plain object (`{taskId: 'abc'}`, or one
 * made with `Object.create(null)`). Anything else is refused rather than read:
 * a Date, a Map or a class instance has no own fields, so reading it would
 * bind to every message, and inherited properties are not the caller's fields.
 */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function checkPlainFields(exchange: string, fields: unknown, what: string): asserts fields is Readonly<Record<string, unknown>> {
  if (!isPlainObject(fields)) {
    throw new BindingError(exchange, undefined, `${what} must be a plain object of routing-key fields, got ${describeValue(fields)}`);
  }
}

/** The names of the fields the caller set: own ones, enumerable or not. */
export function fieldNames(fields: Readonly<Record<string, unknown>>): string[] {
  return Object.getOwnPropertyNames(fields);
}

/** A field's value if the caller set it, never an inherited one (a field may be called `constructor`). */
export function ownField(fields: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}
