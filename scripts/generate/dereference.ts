import type { JsonSchemaDocument } from '../../src/references/types.js';
import { isExternalRef, resolveSchemaRef } from '../../src/references/schema-ids.js';
import { pascalCase, schemaTypeName } from './naming.js';

type Node = Record<string, unknown>;

/**
 * Builds in-memory schemas with every `$ref` replaced by the object it points to,
 * so json-schema-to-typescript needs no resolver. Every node is built once per
 * (document, JSON pointer), so a schema used in many places is one object and
 * becomes one named type; recursive schemas become cyclic objects, which the
 * generator supports. Documents get a `title` derived from their file name, and
 * `definitions` from their key, because the stored schemas carry no prose titles
 * and names must be stable.
 */
export class Dereferencer {
  private readonly built = new Map<string, unknown>();

  constructor(private readonly schemas: ReadonlyMap<string, JsonSchemaDocument>) {}

  document(path: string): Node {
    return this.at(path, '') as Node;
  }

  private at(path: string, pointer: string): unknown {
    const key = `${path}#${pointer}`;
    if (this.built.has(key)) return this.built.get(key);
    const doc = this.schemas.get(path);
    if (!doc) throw new Error(`unknown schema ${path}`);
    const raw = pointer === '' ? doc : followPointer(doc, pointer, path);
    return this.build(raw, path, pointer, doc.$id);
  }

  private build(raw: unknown, path: string, pointer: string, baseId: string): unknown {
    if (Array.isArray(raw)) return raw.map((item, i) => this.build(item, path, `${pointer}/${i}`, baseId));
    if (typeof raw !== 'object' || raw === null) return raw;
    const node = raw as Node;
    if (typeof node.$ref === 'string') {
      const target = resolveSchemaRef(baseId, node.$ref);
      // Refs leaving the deployment (the JSON-schema metaschema) are typed as unknown.
      if (isExternalRef(target.path)) return { tsType: 'unknown' };
      return this.at(target.path, target.fragment);
    }
    const key = `${path}#${pointer}`;
    const out: Node = {};
    this.built.set(key, out);
    for (const [name, value] of Object.entries(node)) {
      if (name === '$id' || name === '$schema') continue;
      out[name] = this.build(value, path, `${pointer}/${escapePointer(name)}`, baseId);
    }
    dropFormatOnlyAlternatives(out);
    if (pointer === '') out.title = schemaTypeName(path);
    else {
      const definition = /^\/(?:definitions|\$defs)\/([^/]+)$/.exec(pointer);
      if (definition) out.title = pascalCase(unescapePointer(definition[1]!));
    }
    return out;
  }
}

function followPointer(doc: unknown, pointer: string, path: string): unknown {
  let node = doc;
  for (const part of pointer.split('/').slice(1).map(unescapePointer)) {
    if (typeof node !== 'object' || node === null || !(part in node)) {
      throw new Error(`${path}#${pointer}: no such location`);
    }
    node = (node as Node)[part];
  }
  return node;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

// `{type: 'string', anyOf: [{format: 'uri'}, {format: 'regex'}]}` only says which
// string formats are allowed, but json-schema-to-typescript types each typeless
// branch as an object, giving `{...} & string`, which no string satisfies. Such
// alternatives carry nothing a type can express, so they are dropped.
const STRING_CONSTRAINTS = new Set(['format', 'pattern', 'minLength', 'maxLength']);
function dropFormatOnlyAlternatives(node: Node): void {
  if (node.type !== 'string') return;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = node[key];
    const formatOnly = (branch: unknown) =>
      typeof branch === 'object' && branch !== null && Object.keys(branch).every((k) => STRING_CONSTRAINTS.has(k));
    if (Array.isArray(branches) && branches.every(formatOnly)) delete node[key];
  }
}
