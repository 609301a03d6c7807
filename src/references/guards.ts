import type { ApiReference, ExchangeReference } from './types.js';

const has$schema = (doc: unknown, suffix: string): boolean =>
  typeof doc === 'object' &&
  doc !== null &&
  typeof (doc as { $schema?: unknown }).$schema === 'string' &&
  (doc as { $schema: string }).$schema.endsWith(suffix);

export function isExchangeReference(doc: unknown): doc is ExchangeReference {
  return has$schema(doc, 'exchanges-reference-v0.json#');
}

export function isApiReference(doc: unknown): doc is ApiReference {
  return has$schema(doc, 'api-reference-v0.json#');
}
