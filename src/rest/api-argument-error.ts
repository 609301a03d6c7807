/**
 * A call that cannot be right: a wrong number of arguments, a missing or
 * mistyped route argument, an unknown query key, a missing payload, bad client
 * options. Always raised before any network I/O (API methods reject with it).
 */
export class ApiArgumentError extends TypeError {
  override readonly name = 'ApiArgumentError';

  constructor(
    /** The API method (`queue.task`) or function (`createTemporaryCredentials`) called. */
    readonly method: string,
    /** The argument or option at fault, when there is one. */
    readonly field: string | undefined,
    /** What was wrong, in words. */
    readonly rule: string,
  ) {
    super(`${method}${field === undefined ? '' : ` (${field})`}: ${rule}`);
  }
}
