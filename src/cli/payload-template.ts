import { randomUUID } from 'node:crypto';
import { referenceSchemaPath, resolveSchemaRef } from '../references/schema-ids.js';
import type { ExchangeEntry, ExchangeReference } from '../references/types.js';
import { packageSchemas, type SchemaSource } from '../schemas/schema-source.js';
import { slugid } from '../rest/slugid.js';

type Schema = Readonly<Record<string, unknown>>;

/**
 * An example message for an exchange that its schema accepts: the required
 * properties only, each with the simplest value its rules allow (an enum value
 * that matches the exchange's name where there is one, so a task-completed
 * message says `completed`). A starting point to edit, not a realistic message.
 */
export function payloadTemplate(reference: ExchangeReference, entry: ExchangeEntry, source: SchemaSource = packageSchemas()): unknown {
  const root = referenceSchemaPath(reference.serviceName, entry.schema);
  return new TemplateBuilder(source, entry.exchange).build(root, documentAt(source, root, ''));
}

/** Strings tried, in order, against a `pattern`: covers the patterns Taskcluster's message schemas use. */
const CANDIDATES = ['example', slugid(), 'example/example', randomUUID(), 'a', '0'];
const NOW = () => new Date().toISOString();

class TemplateBuilder {
  constructor(
    private readonly source: SchemaSource,
    private readonly exchange: string,
  ) {}

  /** A value for `schema`, found in the document at `base` (for resolving `$ref`s). */
  build(base: string, schema: Schema): unknown {
    if (typeof schema.$ref === 'string') {
      const { path, fragment } = resolveSchemaRef(base, schema.$ref);
      return this.build(path, documentAt(this.source, path, fragment));
    }
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return schema.enum.find((v) => typeof v === 'string' && this.exchange.includes(v)) ?? schema.default ?? schema.enum[0];
    for (const key of ['oneOf', 'anyOf'] as const) {
      const first = (schema[key] as Schema[] | undefined)?.[0];
      if (first) return this.build(base, first);
    }
    if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((part: Schema) => this.build(base, part)));
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type ?? (schema.properties ? 'object' : undefined)) {
      case 'object':
        return this.object(base, schema);
      case 'array': {
        const items = schema.items as Schema | undefined;
        const length = Math.max(Number(schema.minItems ?? 0), items ? 1 : 0);
        return Array.from({ length }, () => (items ? this.build(base, items) : null));
      }
      case 'integer':
      case 'number':
        return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 0) : 0;
      case 'boolean':
        return false;
      case 'null':
        return null;
      case 'string':
        return stringFor(schema);
      default:
        return {};
    }
  }

  private object(base: string, schema: Schema): Record<string, unknown> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const object: Record<string, unknown> = {};
    for (const name of (schema.required ?? []) as string[]) object[name] = this.build(base, properties[name] ?? {});
    return object;
  }
}

function stringFor(schema: Schema): string {
  if (schema.format === 'date-time') return NOW();
  if (schema.format === 'uri') return 'https://example.com';
  if (schema.format === 'email') return 'someone@example.com';
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? Infinity);
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const fits = (s: string) => s.length >= min && s.length <= max && (!pattern || pattern.test(s));
  return CANDIDATES.find(fits) ?? 'x'.repeat(min);
}

/** The schema at `fragment` (a JSON pointer) of the document at `path`. */
function documentAt(source: SchemaSource, path: string, fragment: string): Schema {
  const document = source(path);
  if (!document) throw new Error(`no schema ${path} to build a template from`);
  let node: unknown = document;
  for (const token of fragment.split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (typeof node !== 'object' || node === null) throw new Error(`no schema at ${path}#${fragment}`);
  return node as Schema;
}
