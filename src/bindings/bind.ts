import type { ExchangeEntry, ExchangeReference } from '../references/types.js';
import { referenceSchemaPath } from '../references/schema-ids.js';
import { BindingError } from './binding-error.js';
import { quote } from './describe-value.js';
import { checkPlainFields, fieldNames } from './plain-fields.js';
import { buildRoutingKeyPattern, checkLength } from './routing-key-pattern.js';
import type { Binding } from './types.js';

/**
 * Turns the arguments of an exchange method into a binding. The forms, never mixed:
 *   ()                                   every entry a wildcard
 *   ({taskId: 'abc'})                    routing-key fields by name
 *   ('abc', 0)                           values for the non-constant entries, in order
 *   ({routingKeyPattern: 'primary.#'})   an explicit pattern, used as given
 * Fields and patterns come in a plain object; any other object is an error.
 */
export function bind(
  reference: ExchangeReference,
  entry: ExchangeEntry,
  args: readonly unknown[],
  exchangePrefix: string = reference.exchangePrefix,
): Binding {
  const exchange = exchangePrefix + entry.exchange;
  return {
    exchange,
    routingKeyPattern: patternFromArgs(exchange, entry, args),
    routingKeyReference: entry.routingKey,
    name: entry.name,
    serviceName: reference.serviceName,
    schema: referenceSchemaPath(reference.serviceName, entry.schema),
  };
}

function patternFromArgs(exchange: string, entry: ExchangeEntry, args: readonly unknown[]): string {
  const [first] = args;
  if (args.length === 1 && isObject(first)) {
    checkPlainFields(exchange, first, 'the argument');
    if (Object.hasOwn(first, 'routingKeyPattern')) return rawPattern(exchange, first);
    return buildRoutingKeyPattern(exchange, entry.routingKey, first);
  }
  const positional = entry.routingKey.filter((e) => e.constant === undefined);
  if (args.length > positional.length) {
    throw new BindingError(
      exchange,
      undefined,
      `takes at most ${positional.length} positional values (${positional.map((e) => e.name).join(', ')}), got ${args.length}`,
    );
  }
  // No prototype, so a field named `__proto__` or `constructor` is just a field.
  const fields: Record<string, unknown> = Object.create(null);
  args.forEach((value, i) => {
    const field = positional[i]!.name;
    if (isObject(value)) {
      throw new BindingError(
        exchange,
        field,
        'positional values must be strings or numbers; pass routing-key fields as one object, not mixed with positional values',
      );
    }
    if (typeof value === 'string' && value.includes('.') && args.length === 1 && !positional[0]!.multipleWords) {
      throw new BindingError(
        exchange,
        field,
        `${quote(value)} contains a dot, but this entry is a single word; for a raw pattern pass {routingKeyPattern: ${quote(value)}}`,
      );
    }
    fields[field] = value;
  });
  return buildRoutingKeyPattern(exchange, entry.routingKey, fields);
}

function rawPattern(exchange: string, arg: Readonly<Record<string, unknown>>): string {
  const extra = fieldNames(arg).filter((k) => k !== 'routingKeyPattern');
  if (extra.length > 0) {
    throw new BindingError(exchange, extra[0], 'cannot be combined with routingKeyPattern; give fields or a raw pattern, not both');
  }
  const pattern = arg.routingKeyPattern;
  if (typeof pattern !== 'string' || pattern === '') {
    throw new BindingError(exchange, 'routingKeyPattern', 'must be a non-empty string');
  }
  checkLength(exchange, pattern, 'routing-key pattern');
  return pattern;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
