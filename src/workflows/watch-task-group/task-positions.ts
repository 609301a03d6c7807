import type { TaskStatus } from '../../generated/types/queue.js';
import type { TaskState } from './task-group-events.js';

/**
 * How far a task has got: its run, then the state within the run
 * (unscheduled < pending < running < resolved). Positions only move forward;
 * news at or behind the last one is a duplicate or late, and is dropped.
 */
export interface Position {
  /** -1 before the first run. */
  readonly runId: number;
  readonly rank: number;
}

const RANKS: Readonly<Record<TaskState, number>> = { unscheduled: 0, pending: 1, running: 2, completed: 3, failed: 3, exception: 3 };

export const RESOLVED_STATES: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'exception']);

export function positionOf(runId: number | undefined, state: TaskState): Position {
  return { runId: runId ?? -1, rank: RANKS[state] };
}

/** Where a status says the task is: its latest run and that run's state. */
export function statusPosition(status: TaskStatus): Position {
  const run = status.runs.at(-1);
  return run === undefined ? positionOf(undefined, 'unscheduled') : positionOf(run.runId, run.state);
}

export function isAhead(candidate: Position, current: Position | undefined): boolean {
  if (current === undefined) return true;
  return candidate.runId !== current.runId ? candidate.runId > current.runId : candidate.rank > current.rank;
}
