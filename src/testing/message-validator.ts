import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { isExternalRef, resolveSchemaRef, schemaPath } from '../references/schema-ids.js';
import { MessageValidationError, PublishError, type SchemaViolation } from './publish-errors.js';
import { packageSchemas, type SchemaSource } from './schema-source.js';

// ajv and ajv-formats take about 60 ms to load: they are loaded on the first
// validation, not on import, since most importers of the package never publish.
const require = createRequire(import.meta.url);

function newAjv(): Ajv {
  const { Ajv } = require('ajv') as typeof import('ajv');
  // ajv-formats is CommonJS with `exports.default`.
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

/**
 * Validates message payloads against exchange message schemas with ajv. A
 * schema and everything it references are loaded from the source the first
 * time a message needs it; compiled validators are kept.
 */
export class MessageValidator {
  private ajvInstance: Ajv | undefined;
  private readonly added = new Set<string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly source: SchemaSource) {}

  private get ajv(): Ajv {
    return (this.ajvInstance ??= newAjv());
  }

  /** Throws {@link MessageValidationError} naming each failing path and rule. */
  validate(exchange: string, schema: string, payload: unknown): void {
    const validate = this.validatorFor(exchange, schema);
    if (validate(payload)) return;
    throw new MessageValidationError(exchange, schema, (validate.errors ?? []).map(violation));
  }

  private validatorFor(exchange: string, schema: string): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      this.load(exchange, schema);
      validate = this.ajv.getSchema(schema);
      if (!validate) throw new PublishError(exchange, `schema ${schema} could not be compiled`);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  /** Adds a schema and, transitively, the schemas its `$ref`s point to. */
  private load(exchange: string, root: string): void {
    const pending = [root];
    while (pending.length > 0) {
      const path = pending.pop()!;
      if (this.added.has(path)) continue;
      const document = this.source(path);
      if (!document) {
        throw new PublishError(
          exchange,
          `no schema ${path} to validate the message with; give the publisher \`schemas\` (e.g. from fetchReferences()) or \`validate: false\``,
        );
      }
      // Taskcluster's metaschema is not ajv's; the schemas are draft-06/07 compatible without it.
      const { $schema: _metaschema, ...body } = document;
      this.ajv.addSchema(body);
      this.added.add(path);
      for (const ref of refsIn(document)) {
        const target = resolveSchemaRef(schemaPath(document.$id), ref).path;
        if (!isExternalRef(target) && !this.added.has(target)) pending.push(target);
      }
    }
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
// fake queue) shares one validator and its compiled schemas.
let sharedValidator: MessageValidator | undefined;

/** The validator for the schemas shipped with this package, shared process-wide. */
export function packageValidator(): MessageValidator {
  sharedValidator ??= new MessageValidator(packageSchemas());
  return sharedValidator;
}
