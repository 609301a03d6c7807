import { createRequire } from 'node:module';
import type { Ajv, ErrorObject } from 'ajv';
import { isExternalRef, resolveSchemaRef, schemaPath } from '../references/schema-ids.js';
import type { JsonSchemaDocument } from '../references/types.js';
import { packageSchemas, schemaMap, type SchemaSource } from './schema-source.js';

// ajv and ajv-formats take about 60 ms to load: they are loaded on the first
// compile, not on import, since most importers of the package never validate.
const require = createRequire(import.meta.url);

function newAjv(): Ajv {
  const { Ajv } = require('ajv') as typeof import('ajv');
  // ajv-formats is CommonJS with `exports.default`.
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

/** One schema violation: where in the payload (a JSON pointer, `` for the root) and which rule. */
export interface SchemaViolation {
  readonly path: string;
  readonly rule: string;
}

/** Checks one payload: its violations, or undefined when it matches. */
export type PayloadCheck = (payload: unknown) => readonly SchemaViolation[] | undefined;

/** A schema (or one its `$ref`s point to) that the schema source does not have. */
export class MissingSchemaError extends Error {
  override readonly name = 'MissingSchemaError';
  constructor(readonly path: string) {
    super(`no schema ${path}`);
  }
}

/**
 * Compiles JSON schemas from one source with ajv into payload checks. A
 * schema and everything it references are read from the source when first
 * needed; compiled checks are kept.
 */
export class SchemaValidator {
  #ajv: Ajv | undefined;
  readonly #documents = new Map<string, JsonSchemaDocument>();
  readonly #added = new Set<string>();
  readonly #checks = new Map<string, PayloadCheck>();

  constructor(private readonly source: SchemaSource) {}

  /**
   * The first schema that `root` needs (itself, or through its `$ref`s) and
   * the source lacks; undefined when it has them all. Reads files, never loads ajv.
   */
  missingSchema(root: string): string | undefined {
    const pending = [root];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const path = pending.pop()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const document = this.#document(path);
      if (!document) return path;
      for (const ref of refsIn(document)) {
        const target = resolveSchemaRef(schemaPath(document.$id), ref).path;
        if (!isExternalRef(target)) pending.push(target);
      }
    }
    return undefined;
  }

  /** The compiled check for `root`; loads ajv on first use. Throws {@link MissingSchemaError}, or ajv's error for a schema that does not compile. */
  checkFor(root: string): PayloadCheck {
    const known = this.#checks.get(root);
    if (known) return known;
    const missing = this.missingSchema(root);
    if (missing !== undefined) throw new MissingSchemaError(missing);
    const ajv = (this.#ajv ??= newAjv());
    for (const [path, document] of this.#documents) {
      if (this.#added.has(path)) continue;
      // Taskcluster's metaschema is not ajv's; the schemas are draft-06/07 compatible without it.
      const { $schema: _metaschema, ...body } = document;
      ajv.addSchema(body);
      this.#added.add(path);
    }
    const validate = ajv.getSchema(root);
    if (!validate) throw new Error(`schema ${root} could not be compiled`);
    const check: PayloadCheck = (payload) => (validate(payload) ? undefined : (validate.errors ?? []).map(violation));
    this.#checks.set(root, check);
    return check;
  }

  #document(path: string): JsonSchemaDocument | undefined {
    let document = this.#documents.get(path);
    if (!document) {
      document = this.source(path);
      if (document) this.#documents.set(path, document);
    }
    return document;
  }
}

function refsIn(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) refsIn(item, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) into.push(value);
      else refsIn(value, into);
    }
  }
  return into;
}

function violation(error: ErrorObject): SchemaViolation {
  const params = error.params as Record<string, unknown>;
  let rule = `${error.message ?? 'is invalid'} (${error.keyword})`;
  if (error.keyword === 'additionalProperties') rule = `must not have property "${String(params.additionalProperty)}" (additionalProperties)`;
  if (error.keyword === 'enum') rule = `must be one of ${JSON.stringify(params.allowedValues)} (enum)`;
  return { path: error.instancePath, rule };
}

// Compiling a schema takes a while (a third of a second for a queue message):
// everything that checks against the package's own schemas (publishers, the
// fake queue, validating listeners) shares one validator and its compiled schemas.
let packageValidator: SchemaValidator | undefined;
const byMap = new WeakMap<ReadonlyMap<string, JsonSchemaDocument>, SchemaValidator>();

/** The validator for the schemas shipped with this package, shared process-wide. */
export function packageSchemaValidator(): SchemaValidator {
  return (packageValidator ??= new SchemaValidator(packageSchemas()));
}

/** The validator for a map of schemas (e.g. a deployment's, from `fetchReferences()`), shared by every user of that map. */
export function schemaValidatorFor(schemas: ReadonlyMap<string, JsonSchemaDocument>): SchemaValidator {
  let validator = byMap.get(schemas);
  if (!validator) {
    validator = new SchemaValidator(schemaMap(schemas));
    byMap.set(schemas, validator);
  }
  return validator;
}
