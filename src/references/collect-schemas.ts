import type { ApiReference, ExchangeReference, JsonSchemaDocument } from './types.js';
import { isExternalRef, referenceSchemaPath, resolveSchemaRef, schemaPath } from './schema-ids.js';

/**
 * Finds every schema the references use (message, input and output schemas) and,
 * transitively, every schema those `$ref`. `load` reads one schema by its
 * canonical path. Refs outside the deployment (the JSON-schema metaschema) are
 * left alone. The result is keyed by canonical path, in a stable (sorted) order.
 */
export async function collectSchemas(
  references: { exchanges: readonly ExchangeReference[]; apis: readonly ApiReference[] },
  load: (path: string) => Promise<JsonSchemaDocument> | JsonSchemaDocument,
): Promise<Map<string, JsonSchemaDocument>> {
  const pending: string[] = [];
  for (const ref of references.exchanges) {
    for (const entry of ref.entries) pending.push(referenceSchemaPath(ref.serviceName, entry.schema));
  }
  for (const ref of references.apis) {
    for (const entry of ref.entries) {
      if (entry.input) pending.push(referenceSchemaPath(ref.serviceName, entry.input));
      if (entry.output) pending.push(referenceSchemaPath(ref.serviceName, entry.output));
    }
  }

  const found = new Map<string, JsonSchemaDocument>();
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (found.has(path) || isExternalRef(path)) continue;
    const schema = await load(path);
    if (schemaPath(schema.$id) !== path) {
      throw new Error(`schema at ${path} declares a different $id: ${schema.$id}`);
    }
    found.set(path, schema);
    for (const ref of findRefs(schema)) pending.push(resolveSchemaRef(schema.$id, ref).path);
  }
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function findRefs(node: unknown, refs: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) findRefs(item, refs);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      else findRefs(value, refs);
    }
  }
  return refs;
}
