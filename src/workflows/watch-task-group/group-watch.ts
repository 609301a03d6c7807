import type { Subscriber, TeardownLogic } from 'rxjs';
import type { TaskStatus } from '../../generated/types/queue.js';
import type { MessageOf } from '../../pulse/pulse-message.js';
import type { GroupBindings } from './group-bindings.js';
import { readGroupStatuses } from './group-snapshot.js';
import type { GroupResolvedEvent, TaskGroupEvent, TaskState } from './task-group-events.js';
import { TaskGroupState } from './task-group-state.js';
import { TaskGroupSnapshotError, type SnapshotReason } from './watch-errors.js';
import type { WatchSettings } from './watch-options.js';

type GroupMessage = MessageOf<GroupBindings[keyof GroupBindings]>;
/** What every task message carries: the task's status, and the run (task-defined has none; task-exception may lack it). */
type TaskNews = { readonly status: TaskStatus; readonly runId?: number };

/**
 * One subscriber's watch of a group: consumes the group's events, reads the
 * group through the Queue API once the queue is bound (and again when the
 * group says it resolved, or consuming resumed), merges both, and ends the
 * consume stream gracefully once every task is resolved.
 */
export class GroupWatch {
  readonly #state: TaskGroupState;
  /** Aborted once the group is resolved: drains the consume stream, which then completes. */
  readonly #resolved = new AbortController();
  readonly #statesByExchange: ReadonlyMap<string, TaskState>;
  #finished = false;
  #closed = false;
  #snapshotRunning = false;
  #snapshotNext: SnapshotReason | undefined;

  constructor(
    private readonly taskGroupId: string,
    private readonly settings: WatchSettings,
    private readonly bindings: GroupBindings,
    private readonly subscriber: Subscriber<TaskGroupEvent>,
  ) {
    this.#state = new TaskGroupState(taskGroupId);
    const b = bindings;
    this.#statesByExchange = new Map<string, TaskState>([
      [b.taskDefined.exchange, 'unscheduled'],
      [b.taskPending.exchange, 'pending'],
      [b.taskRunning.exchange, 'running'],
      [b.taskCompleted.exchange, 'completed'],
      [b.taskFailed.exchange, 'failed'],
      [b.taskException.exchange, 'exception'],
    ]);
  }

  start(): TeardownLogic {
    const { pulse, queueName, signal } = this.settings;
    const stop = signal ? AbortSignal.any([signal, this.#resolved.signal]) : this.#resolved.signal;
    const subscription = pulse
      .consume(Object.values(this.bindings), (message) => this.#live(message), {
        ...(queueName === undefined ? {} : { queueName }),
        signal: stop,
        // Bound first, read second: whatever changes during the read arrives as a message too.
        onConsuming: (info) => this.#snapshot(info.resumed ? 'resume' : 'initial'),
      })
      .subscribe({ error: (error: unknown) => this.subscriber.error(error), complete: () => this.subscriber.complete() });
    return () => {
      this.#closed = true;
      subscription.unsubscribe();
    };
  }

  #live(message: GroupMessage): void {
    if (this.#finished) return;
    if (message.is(this.bindings.taskGroupResolved)) return this.#snapshot('confirm');
    if (message.is(this.bindings.artifactCreated)) return this.#emit(this.#state.artifact(message.payload));
    const state = this.#statesByExchange.get(message.exchange);
    if (state === undefined) return;
    const { status, runId } = message.payload as TaskNews;
    const run = state === 'unscheduled' ? undefined : (runId ?? status.runs.at(-1)?.runId);
    this.#emit(this.#state.task(status, run, state, 'live'));
  }

  /** Reads the group through the Queue API; one read at a time, and one more after it if asked meanwhile. */
  #snapshot(reason: SnapshotReason): void {
    if (this.#snapshotRunning) {
      // A confirmation outranks a plain re-read: it decides the event's source.
      if (this.#snapshotNext !== 'confirm') this.#snapshotNext = reason;
      return;
    }
    this.#snapshotRunning = true;
    void this.#readSnapshot(reason).finally(() => {
      this.#snapshotRunning = false;
      const next = this.#snapshotNext;
      this.#snapshotNext = undefined;
      if (next !== undefined && !this.#finished && !this.#closed) this.#snapshot(next);
    });
  }

  async #readSnapshot(reason: SnapshotReason): Promise<void> {
    let statuses: TaskStatus[];
    try {
      statuses = await readGroupStatuses(this.settings.queue, this.taskGroupId, this.settings.pageSize);
    } catch (error) {
      if (!this.#closed && !this.#finished) this.subscriber.error(new TaskGroupSnapshotError(this.taskGroupId, reason, { cause: error }));
      return;
    }
    if (this.#closed || this.#finished) return;
    for (const status of statuses) this.#emit(this.#state.listed(status));
    const resolution = this.#state.resolution(reason === 'confirm' ? 'live' : 'snapshot');
    if (resolution) this.#finish(resolution);
  }

  #finish(resolution: GroupResolvedEvent): void {
    this.#finished = true;
    this.#emit([resolution]);
    this.#resolved.abort();
  }

  #emit(events: readonly TaskGroupEvent[]): void {
    for (const event of events) if (!this.subscriber.closed) this.subscriber.next(event);
  }
}
