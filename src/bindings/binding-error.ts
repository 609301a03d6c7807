import { quote } from './describe-value.js';

/**
 * Thrown for a binding or routing key that cannot be right: an unknown field, a
 * dot in a single-word value, a wrong type, too many positional values. Always
 * thrown synchronously, before anything touches the network.
 */
export class BindingError extends TypeError {
  override readonly name = 'BindingError';

  constructor(
    /** Full exchange name, e.g. `exchange/taskcluster-queue/v1/task-completed`. */
    readonly exchange: string,
    /** The routing-key field at fault, when there is one. */
    readonly field: string | undefined,
    /** What was wrong, in words. */
    readonly rule: string,
  ) {
    super(`${exchange}${field === undefined ? '' : ` (field ${quote(field)})`}: ${rule}`);
  }
}
