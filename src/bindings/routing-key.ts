import type { RoutingKeyEntry } from '../references/types.js';
import { BindingError } from './binding-error.js';
import { quote } from './describe-value.js';
import { ownField } from './plain-fields.js';
import { checkLength, checkRoutingKeyArguments, routingKeyWord } from './routing-key-pattern.js';

/**
 * Builds a concrete routing key, as Taskcluster publishes: constants as they are,
 * a missing optional entry as `_`, a missing required entry an error, at most
 * 255 bytes. Wildcards are refused: they only mean something in patterns.
 */
export function buildRoutingKey(
  exchange: string,
  entries: readonly RoutingKeyEntry[],
  fields: Readonly<Record<string, unknown>>,
): string {
  checkRoutingKeyArguments(exchange, entries, fields);
  const words = entries.map((entry) => {
    if (entry.constant !== undefined) return entry.constant;
    const word = routingKeyWord(exchange, entry, ownField(fields, entry.name));
    if (word === undefined) {
      if (entry.required) throw new BindingError(exchange, entry.name, 'is required to publish a message');
      return '_';
    }
    if (word.split('.').some((w) => w === '*' || w === '#')) {
      throw new BindingError(exchange, entry.name, `${quote(word)} is a wildcard; a published routing key must be concrete`);
    }
    return word;
  });
  const key = words.join('.');
  checkLength(exchange, key, 'routing key');
  return key;
}
