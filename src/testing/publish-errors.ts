import type { SchemaViolation } from '../schemas/schema-validator.js';

export type { SchemaViolation };

/**
 * Thrown when a message cannot be published as given: a payload that does not
 * match the exchange's schema, bad routes, a message too large. Always thrown
 * before anything touches the network.
 */
export class PublishError extends TypeError {
  override readonly name: string = 'PublishError';

  constructor(
    /** Full exchange name, e.g. `exchange/taskcluster-queue/v1/task-completed`. */
    readonly exchange: string,
    /** What was wrong, in words. */
    readonly rule: string,
  ) {
    super(`${exchange}: ${rule}`);
  }
}


/** The payload does not match the exchange's message schema. */
export class MessageValidationError extends PublishError {
  override readonly name = 'MessageValidationError';

  constructor(
    exchange: string,
    /** The schema checked against, e.g. `/schemas/queue/v1/task-completed-message.json`. */
    readonly schema: string,
    readonly violations: readonly SchemaViolation[],
  ) {
    super(exchange, `payload does not match ${schema}: ${describe(violations)}`);
  }
}

const SHOWN = 5;

function describe(violations: readonly SchemaViolation[]): string {
  const shown = violations.slice(0, SHOWN).map((v) => `${v.path === '' ? '(payload)' : v.path} ${v.rule}`);
  const more = violations.length > SHOWN ? `; and ${violations.length - SHOWN} more` : '';
  return shown.join('; ') + more;
}
