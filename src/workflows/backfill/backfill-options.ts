import type { Bindings } from '../../pulse/pulse-message.js';
import { PulseConfigError } from '../../pulse/pulse-errors.js';
import { Queue } from '../../generated/clients/queue.js';
import { SLUGID_PATTERN } from '../../rest/slugid.js';
import type { Binding } from '../../bindings/types.js';

/** A time range, `from` included, `to` excluded: ISO 8601 text or a Date. */
export interface BackfillWindow {
  readonly from: Date | string;
  readonly to: Date | string;
}

/**
 * What to rebuild and how. Exactly one of `taskIds`, `taskGroupId`,
 * `taskGroupIds` says which tasks: the Queue API cannot list tasks by time,
 * so a `window` narrows what they give.
 */
export interface BackfillOptions<B extends Bindings = Bindings> {
  /** A queue client of the deployment (with credentials able to read the tasks and their artifacts). */
  readonly queue: Queue;
  /** These tasks. */
  readonly taskIds?: readonly string[];
  /** Every task of this group, and `taskGroupResolved` when none is left unresolved. */
  readonly taskGroupId?: string;
  /** Every task of these groups, one group after the other. */
  readonly taskGroupIds?: readonly string[];
  /**
   * Only events of this time range: taskDefined by the task's `created`,
   * taskPending by its run's `scheduled`, taskRunning by `started`, a
   * resolution by `resolved`, artifactCreated (the queue keeps no creation
   * time) when its run was running within the range, taskGroupResolved by its
   * group's last resolution. Default: all of a task's history.
   */
  readonly window?: BackfillWindow;
  /**
   * The bindings a bot listens with: only messages they match are rebuilt
   * (the routing key or a CC route, as the broker matches), each carrying its
   * binding. Default: every exchange backfill rebuilds, under `exchangePrefix`.
   */
  readonly bindings?: B;
  /** For the default bindings: the deployment's prefix of the queue's exchanges. Default the reference's. */
  readonly exchangePrefix?: string;
  /**
   * Check every rebuilt payload against its exchange's schema, as `listen()`
   * does with `validate: true`; one that does not match errors the stream.
   * Default true.
   */
  readonly validate?: boolean;
  /** Items per REST page (`limit`). Default: the service's (1000). */
  readonly pageSize?: number;
  /** Aborting stops at once: no further REST call or page, no further message; the stream then completes. */
  readonly signal?: AbortSignal;
}

/** The options, checked, as backfill uses them. */
export interface BackfillSettings {
  readonly queue: Queue;
  readonly source: { readonly taskIds: readonly string[] } | { readonly taskGroupIds: readonly string[] };
  readonly window: { readonly from: number; readonly to: number } | undefined;
  readonly bindings: readonly Binding[] | undefined;
  readonly exchangePrefix: string | undefined;
  readonly validate: boolean;
  readonly pageSize: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Checks the options, naming the field and the rule; before any network I/O. */
export function resolveBackfillOptions(options: BackfillOptions): BackfillSettings {
  if (typeof options !== 'object' || options === null) throw new PulseConfigError('options', 'must be an object: {queue, taskIds | taskGroupId | taskGroupIds, ...}');
  if (!(options.queue instanceof Queue)) throw new PulseConfigError('queue', 'must be a Queue client, e.g. new Queue({rootUrl, credentials})');
  const given = (['taskIds', 'taskGroupId', 'taskGroupIds'] as const).filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new PulseConfigError(given[1] ?? 'taskIds', `give exactly one of taskIds, taskGroupId, taskGroupIds (got ${given.length === 0 ? 'none' : given.join(' and ')})`);
  }
  const source =
    options.taskIds !== undefined
      ? { taskIds: slugList('taskIds', options.taskIds) }
      : { taskGroupIds: options.taskGroupId !== undefined ? [slug('taskGroupId', options.taskGroupId)] : slugList('taskGroupIds', options.taskGroupIds) };
  const bindings = options.bindings === undefined ? undefined : bindingList(options.bindings);
  const exchangePrefix = options.exchangePrefix;
  if (exchangePrefix !== undefined && (typeof exchangePrefix !== 'string' || exchangePrefix === '')) {
    throw new PulseConfigError('exchangePrefix', 'must be a non-empty string, e.g. exchange/taskcluster-queue/v1/');
  }
  if (exchangePrefix !== undefined && bindings !== undefined) throw new PulseConfigError('exchangePrefix', 'is for the default bindings; the bindings given name their exchanges');
  if (options.validate !== undefined && typeof options.validate !== 'boolean') throw new PulseConfigError('validate', 'must be a boolean');
  const pageSize = options.pageSize;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 1000)) {
    throw new PulseConfigError('pageSize', `must be an integer 1-1000, got ${String(pageSize)}`);
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new PulseConfigError('signal', 'must be an AbortSignal');
  return {
    queue: options.queue,
    source,
    window: options.window === undefined ? undefined : windowOf(options.window),
    bindings,
    exchangePrefix,
    validate: options.validate ?? true,
    pageSize,
    signal,
  };
}

function slug(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SLUGID_PATTERN.test(value)) {
    throw new PulseConfigError(field, `must be a slugid (${SLUGID_PATTERN.source}), got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

function slugList(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new PulseConfigError(field, 'must be a non-empty array of slugids');
  return value.map((item, i) => slug(`${field}[${i}]`, item));
}

function bindingList(value: Bindings): readonly Binding[] {
  const list: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PulseConfigError('bindings', 'must be a binding or a non-empty array of bindings');
  list.forEach((binding, i) => {
    const candidate = binding as Partial<Binding> | null;
    if (typeof candidate?.exchange !== 'string' || typeof candidate.routingKeyPattern !== 'string' || !Array.isArray(candidate.routingKeyReference)) {
      throw new PulseConfigError(`bindings[${i}]`, 'must be a binding, e.g. new QueueEvents().taskCompleted({taskGroupId})');
    }
  });
  return list as readonly Binding[];
}

function windowOf(window: BackfillWindow): { from: number; to: number } {
  if (typeof window !== 'object' || window === null) throw new PulseConfigError('window', 'must be {from, to}');
  const from = instant('window.from', window.from);
  const to = instant('window.to', window.to);
  if (from > to) throw new PulseConfigError('window.from', `must not be after window.to (${new Date(from).toJSON()} > ${new Date(to).toJSON()})`);
  if (from === to) throw new PulseConfigError('window', `is empty: from and to are both ${new Date(from).toJSON()} (to is excluded)`);
  return { from, to };
}

function instant(field: string, value: unknown): number {
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new PulseConfigError(field, `must be a Date or an ISO 8601 time, got ${String(value)}`);
  return time;
}
