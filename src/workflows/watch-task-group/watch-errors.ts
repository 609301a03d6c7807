import { causeText, PulseError } from '../../pulse/error-json.js';

/** Reading the group's state through the Queue API failed (after the REST client's retries); the watch ends with it. */
export class TaskGroupSnapshotError extends PulseError {
  override readonly name = 'TaskGroupSnapshotError';
  constructor(
    readonly taskGroupId: string,
    /** `initial`: right after binding; `confirm`: after a `taskGroupResolved` message; `resume`: after consuming resumed. */
    readonly reason: SnapshotReason,
    options: { readonly cause: unknown },
  ) {
    super(`watchTaskGroup(${taskGroupId}): listing the task group (${reason}) failed: ${causeText(options.cause)}`, options);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { taskGroupId: this.taskGroupId, reason: this.reason };
  }
}

/** Why a snapshot of the group is read. */
export type SnapshotReason = 'initial' | 'confirm' | 'resume';
