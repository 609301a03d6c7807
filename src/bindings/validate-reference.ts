import type { ExchangeReference } from '../references/types.js';

/**
 * Checks the facts bindings rely on, so a malformed reference loaded at run time
 * fails here with its field named instead of producing wrong patterns later.
 */
export function validateExchangeReference(reference: ExchangeReference): void {
  const fail = (where: string, rule: string): never => {
    throw new TypeError(`exchange reference${reference?.serviceName ? ` "${reference.serviceName}"` : ''}: ${where} ${rule}`);
  };
  if (typeof reference !== 'object' || reference === null) fail('', 'must be an object');
  if (typeof reference.serviceName !== 'string' || !reference.serviceName) fail('serviceName', 'must be a non-empty string');
  if (typeof reference.exchangePrefix !== 'string') fail('exchangePrefix', 'must be a string');
  if (!Array.isArray(reference.entries)) fail('entries', 'must be an array');
  const names = new Set<string>();
  reference.entries.forEach((entry, i) => {
    const at = `entries[${i}]${typeof entry?.name === 'string' ? ` (${entry.name})` : ''}`;
    if (typeof entry?.name !== 'string' || !entry.name) fail(`${at}.name`, 'must be a non-empty string');
    if (names.has(entry.name)) fail(`${at}.name`, 'is used twice');
    names.add(entry.name);
    if (typeof entry.exchange !== 'string' || !entry.exchange) fail(`${at}.exchange`, 'must be a non-empty string');
    if (typeof entry.schema !== 'string') fail(`${at}.schema`, 'must be a string');
    if (!Array.isArray(entry.routingKey)) fail(`${at}.routingKey`, 'must be an array');
    let multi = 0;
    entry.routingKey.forEach((key, j) => {
      const keyAt = `${at}.routingKey[${j}]`;
      if (typeof key?.name !== 'string' || !key.name) fail(`${keyAt}.name`, 'must be a non-empty string');
      if (typeof key.multipleWords !== 'boolean') fail(`${keyAt}.multipleWords`, 'must be a boolean');
      if (key.multipleWords) multi++;
      if (key.constant !== undefined && (typeof key.constant !== 'string' || key.constant.includes('.'))) {
        fail(`${keyAt}.constant`, 'must be a string without dots');
      }
    });
    // Decoding a key is only unambiguous with at most one multi-word entry.
    if (multi > 1) fail(`${at}.routingKey`, 'has more than one multi-word entry');
  });
}
