/** How many times a test's handler ran for each task id (at-least-once delivery may run it more than once). */
export class CallsByTask extends Map<string, number> {
  /** Counts one more call for `taskId`; returns how many there have been, this one included. */
  count(taskId: string): number {
    const calls = (this.get(taskId) ?? 0) + 1;
    this.set(taskId, calls);
    return calls;
  }

  /** Calls beyond each task's first: the duplicates. */
  repeats(): number {
    return [...this.values()].reduce((sum, calls) => sum + calls - 1, 0);
  }
}
