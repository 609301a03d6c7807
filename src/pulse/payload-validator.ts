import type { Binding } from '../bindings/types.js';
import { packageSchemaValidator, schemaValidatorFor, type PayloadCheck, type SchemaValidator } from '../schemas/schema-validator.js';
import { PulseConfigError } from './client-options.js';
import type { DecodeOptions } from './decode-options.js';

/**
 * The `validate` option: checks received payloads against their exchanges'
 * message schemas. Every schema is looked up when the stream is made (bad
 * options fail before any network I/O) and compiled by `prepare()`, when a
 * subscription starts: decoding is synchronous, so it cannot wait for a compile.
 */
export class PayloadValidator {
  /** Message schema path by exchange. */
  readonly #schemaOf = new Map<string, string>();
  #checks: Map<string, PayloadCheck> | undefined;

  private constructor(
    private readonly schemas: SchemaValidator,
    /** The option that chose the schemas, named in errors about them. */
    private readonly field: 'validate' | 'schemas',
    bindings: readonly Binding[],
  ) {
    for (const { exchange, schema } of bindings) {
      const missing = schemas.missingSchema(schema);
      if (missing !== undefined) {
        throw new PulseConfigError(
          field,
          field === 'schemas'
            ? `has no ${missing}, needed to validate messages from ${exchange} (schema ${schema})`
            : `the package has no schema ${missing} for messages from ${exchange}; give the deployment's \`schemas\` (e.g. from fetchReferences())`,
        );
      }
      this.#schemaOf.set(exchange, schema);
    }
  }

  /** The validator the options ask for, or undefined when validation is off. Throws PulseConfigError for bad options. */
  static fromOptions(bindings: readonly Binding[], options: DecodeOptions): PayloadValidator | undefined {
    const { validate, schemas } = options;
    if (validate !== undefined && typeof validate !== 'boolean') throw new PulseConfigError('validate', `must be true or false, got ${JSON.stringify(validate)}`);
    if (schemas !== undefined) {
      if (!(schemas instanceof Map)) throw new PulseConfigError('schemas', 'must be a Map of schemas by path, e.g. (await fetchReferences(rootUrl)).schemas');
      if (validate !== true) throw new PulseConfigError('schemas', 'only applies with validate: true');
    }
    if (validate !== true) return undefined;
    return schemas
      ? new PayloadValidator(schemaValidatorFor(schemas), 'schemas', bindings)
      : new PayloadValidator(packageSchemaValidator(), 'validate', bindings);
  }

  /** Loads ajv and compiles every schema (once per process for shared schemas). */
  prepare(): void {
    if (this.#checks) return;
    const checks = new Map<string, PayloadCheck>();
    for (const [exchange, schema] of this.#schemaOf) {
      try {
        checks.set(exchange, this.schemas.checkFor(schema));
      } catch (cause) {
        throw new PulseConfigError(this.field, `schema ${schema} does not compile: ${(cause as Error).message}`);
      }
    }
    this.#checks = checks;
  }

  /** Why the payload does not match its exchange's schema (the first violation), or undefined when it does. */
  check(exchange: string, payload: unknown): string | undefined {
    this.prepare();
    const violations = this.#checks!.get(exchange)?.(payload);
    if (!violations) return undefined;
    const [first] = violations;
    const where = first ? `${first.path || '(payload)'} ${first.rule}` : 'invalid';
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    return `payload does not match ${this.#schemaOf.get(exchange)}: ${where}${more}`;
  }
}
