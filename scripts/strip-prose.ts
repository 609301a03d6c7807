/**
 * Removes prose (description, title, summary, $comment) from references and
 * schemas, keeping every fact. Schema-aware: a *property* called `description`
 * or `title` (tasks and hooks have both) is data and stays; only the keyword goes.
 */

const PROSE = new Set(['description', 'title', 'summary', '$comment']);

// Keywords whose value maps names to subschemas: the names are data, the values schemas.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
// Keywords whose value is a subschema or a list of them.
const SCHEMA_VALUES = new Set([
  'items', 'additionalItems', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems',
  'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'anyOf', 'allOf', 'oneOf', 'prefixItems',
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function stripSchemaProse(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(stripSchemaProse);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (PROSE.has(key)) continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, stripSchemaProse(sub)]));
    } else if (key === 'dependencies' && isObject(value)) {
      // Draft-06 `dependencies`: each value is a schema or a list of property names.
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, Array.isArray(sub) ? sub : stripSchemaProse(sub)]),
      );
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = stripSchemaProse(value);
    } else {
      // enum, const, default, examples, required and unknown keywords are data.
      out[key] = value;
    }
  }
  return out;
}

/** References are not schemas: prose sits at the top, on entries and on routing-key entries. */
export function stripReferenceProse(reference: Json): Json {
  if (!isObject(reference)) throw new Error('a reference must be a JSON object');
  const { entries, ...top } = reference;
  const stripEntry = (entry: Json): Json => {
    if (!isObject(entry)) return entry;
    const out = withoutProse(entry);
    if (Array.isArray(entry.routingKey)) out.routingKey = entry.routingKey.map((k) => (isObject(k) ? withoutProse(k) : k));
    return out;
  };
  return { ...withoutProse(top), entries: Array.isArray(entries) ? entries.map(stripEntry) : [] };
}

function withoutProse(object: { [key: string]: Json }): { [key: string]: Json } {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !PROSE.has(key)));
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
