/**
 * One task's history as the queue published it, rebuilt from its definition,
 * its status and its runs' artifacts: taskDefined, then for each run
 * taskPending, taskRunning, artifactCreated per artifact and its resolution.
 */
import type { Queue } from '../../generated/clients/queue.js';
import type { Task, TaskStatus } from '../../generated/types/queue.js';
import {
  artifactMessage,
  definedMessage,
  pendingMessage,
  resolvedMessage,
  runningMessage,
  statusAt,
  type MessageArtifact,
  type TaskContents,
  type TaskExchangeName,
  type TaskRun,
} from './task-messages.js';

/** A rebuilt message before it is put on an exchange: its exchange's entry name, routing-key fields, payload, routes. */
export interface RebuiltEvent {
  readonly name: TaskExchangeName | 'taskGroupResolved';
  readonly fields: Readonly<Record<string, string | number>>;
  readonly payload: unknown;
  readonly routes: readonly string[];
}

/** What a task's history is read with. */
export interface HistoryContext {
  readonly queue: Queue;
  readonly window: { readonly from: number; readonly to: number } | undefined;
  readonly pageSize: number | undefined;
  /** True once the caller stopped: no further request is made. */
  readonly stopped: () => boolean;
}

/** The storage types artifactCreated announces (its schema's enum; the queue no longer announces `s3`). */
const ANNOUNCED_STORAGE: ReadonlySet<string> = new Set(['object', 'reference', 'link', 'error']);

export async function* taskHistory(task: Task, status: TaskStatus, context: HistoryContext): AsyncGenerator<RebuiltEvent> {
  const contents: TaskContents = { tags: task.tags, routes: task.routes };
  const within = (time: string | undefined) => time !== undefined && inWindow(context.window, Date.parse(time));
  if (within(task.created)) yield { name: 'taskDefined', ...definedMessage(statusAt(status, { exchange: 'taskDefined' }), contents) };
  for (const run of status.runs) {
    const { runId } = run;
    // A run created as an exception (deadline passed while unscheduled) was never pending.
    if (run.reasonCreated !== 'exception' && within(run.scheduled)) {
      yield { name: 'taskPending', ...pendingMessage(statusAt(status, { exchange: 'taskPending', runId }), contents, runId) };
    }
    if (run.started !== undefined) {
      if (within(run.started)) {
        const then = statusAt(status, { exchange: 'taskRunning', runId });
        yield { name: 'taskRunning', ...runningMessage(then, contents, then.runs[runId]!) };
      }
      if (ranWithin(context.window, run)) {
        const then = statusAt(status, { exchange: 'artifactCreated', runId });
        for await (const artifact of runArtifacts(context, status.taskId, runId)) {
          if (ANNOUNCED_STORAGE.has(artifact.storageType)) yield { name: 'artifactCreated', ...artifactMessage(then, contents, then.runs[runId]!, artifact) };
        }
      }
    }
    if (isResolution(run.state) && within(run.resolved)) {
      const name = run.state === 'completed' ? 'taskCompleted' : run.state === 'failed' ? 'taskFailed' : 'taskException';
      yield { name, ...resolvedMessage(statusAt(status, { exchange: name, runId }), contents, run) };
    }
  }
}

export function isResolution(state: string): state is 'completed' | 'failed' | 'exception' {
  return state === 'completed' || state === 'failed' || state === 'exception';
}

export function inWindow(window: HistoryContext['window'], time: number): boolean {
  return window === undefined || (time >= window.from && time < window.to);
}

/** The run was running at some time in the window (its artifacts have no time of their own). */
function ranWithin(window: HistoryContext['window'], run: TaskRun): boolean {
  if (window === undefined) return true;
  const started = Date.parse(run.started!);
  const ended = run.resolved === undefined ? Infinity : Date.parse(run.resolved);
  return started < window.to && ended >= window.from;
}

/** The run's artifacts, page by page; stops asking for pages once the caller stopped. */
async function* runArtifacts(context: HistoryContext, taskId: string, runId: number): AsyncGenerator<MessageArtifact & { readonly storageType: string }> {
  if (context.stopped()) return;
  const query = context.pageSize === undefined ? {} : { limit: context.pageSize };
  const { queue } = context;
  for await (const artifact of queue.items(queue.listArtifacts, taskId, runId, query)) {
    if (context.stopped()) return;
    yield artifact as MessageArtifact;
  }
}
