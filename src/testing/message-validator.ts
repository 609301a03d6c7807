import { MissingSchemaError, packageSchemaValidator, SchemaValidator } from '../schemas/schema-validator.js';
import type { SchemaSource } from '../schemas/schema-source.js';
import { MessageValidationError, PublishError } from './publish-errors.js';

/** Validates payloads to publish against exchange message schemas, with the publisher's errors. */
export class MessageValidator {
  readonly #schemas: SchemaValidator;

  constructor(source: SchemaSource | SchemaValidator) {
    this.#schemas = source instanceof SchemaValidator ? source : new SchemaValidator(source);
  }

  /** Throws {@link MessageValidationError} naming each failing path and rule. */
  validate(exchange: string, schema: string, payload: unknown): void {
    const violations = this.#checkFor(exchange, schema)(payload);
    if (violations) throw new MessageValidationError(exchange, schema, violations);
  }

  #checkFor(exchange: string, schema: string) {
    try {
      return this.#schemas.checkFor(schema);
    } catch (error) {
      if (!(error instanceof MissingSchemaError)) throw error;
      throw new PublishError(
        exchange,
        `no schema ${error.path} to validate the message with; give the publisher \`schemas\` (e.g. from fetchReferences()) or \`validate: false\``,
      );
    }
  }
}

let sharedValidator: MessageValidator | undefined;

/** The validator for the schemas shipped with this package, shared process-wide. */
export function packageValidator(): MessageValidator {
  return (sharedValidator ??= new MessageValidator(packageSchemaValidator()));
}
