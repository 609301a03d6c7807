import type { JsonSchemaDocument } from '../references/types.js';

/** How received messages are checked, beyond being JSON with a routing key that fits the exchange. */
export interface DecodeOptions {
  /**
   * Check every payload against its exchange's message schema. A payload that
   * does not match is malformed: rejected without requeue (dead-lettered when
   * `deadLetter` is set) and reported as a `MalformedMessageError` naming the
   * first failing path and rule. Default false, for speed: the payload type is
   * then the publisher's promise, not a check. The validator (ajv) is loaded and
   * the schemas compiled when a subscription starts, before it consumes.
   */
  readonly validate?: boolean;
  /**
   * The schemas to validate with, by canonical path
   * (`/schemas/queue/v1/task-completed-message.json`), e.g.
   * `(await fetchReferences(rootUrl)).schemas` for a deployment's own.
   * Default: the schemas shipped with this package. Only with `validate: true`.
   */
  readonly schemas?: ReadonlyMap<string, JsonSchemaDocument>;
}
