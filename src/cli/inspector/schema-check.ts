import type { Binding } from '../../bindings/types.js';
// The package's ajv validator; its one import in the inspector, so a move is a one-line change.
import { packageValidator } from '../../testing/message-validator.js';
import { MessageValidationError, type SchemaViolation } from '../../testing/publish-errors.js';

/** How a payload fares against its exchange's schema. */
export type SchemaVerdict =
  | { readonly valid: true }
  | { readonly valid: false; readonly violations: readonly SchemaViolation[] }
  /** No schema to check with (an exchange no reference knows, or a schema that is missing). */
  | { readonly valid: undefined; readonly reason: string };

/** Checks a received payload against the message schema of the binding's exchange. */
export function checkPayload(binding: Binding, payload: unknown): SchemaVerdict {
  if (!binding.schema) return { valid: undefined, reason: 'no reference knows this exchange' };
  try {
    packageValidator().validate(binding.exchange, binding.schema, payload);
    return { valid: true };
  } catch (error) {
    if (error instanceof MessageValidationError) return { valid: false, violations: error.violations };
    return { valid: undefined, reason: (error as Error).message };
  }
}
