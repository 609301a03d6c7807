import { PulseError } from '../../pulse/error-json.js';
import { TaskclusterError } from '../../rest/taskcluster-error.js';

/**
 * A task or task group to backfill that the queue does not know (404):
 * `taskId` or `taskGroupId` says which; the queue's answer is the cause.
 */
export class BackfillNotFoundError extends PulseError {
  override readonly name = 'BackfillNotFoundError';

  constructor(
    readonly what: { readonly taskId: string } | { readonly taskGroupId: string },
    cause: TaskclusterError,
  ) {
    const named = 'taskId' in what ? `task ${what.taskId}` : `task group ${what.taskGroupId}`;
    super(`backfill: ${named} does not exist (${cause.method} answered ${cause.statusCode} ${cause.code})`, { cause });
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { ...this.what };
  }
}

/** Runs a queue call, turning its 404 into a {@link BackfillNotFoundError} about `what`. */
export async function found<T>(what: BackfillNotFoundError['what'], call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TaskclusterError && error.statusCode === 404) throw new BackfillNotFoundError(what, error);
    throw error;
  }
}
