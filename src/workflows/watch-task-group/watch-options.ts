import type { Queue } from '../../generated/clients/queue.js';
import { PulseConfigError } from '../../pulse/client-options.js';
import type { PulseClient } from '../../pulse/pulse-client.js';
import { resolveQueueOptions } from '../../pulse/queue-options.js';

/** How to follow a task group. */
export interface WatchTaskGroupOptions {
  /** A Queue client of the deployment (it needs `queue:list-task-group:<taskGroupId>` where that scope is enforced). */
  readonly queue: Queue;
  /** The Pulse client the events come through. */
  readonly pulse: PulseClient;
  /**
   * A durable queue `queue/<namespace>/<queueName>` instead of the default
   * exclusive one, so events published while the bot is down wait for it.
   */
  readonly queueName?: string;
  /** The queue exchanges' prefix, for a deployment that publishes under another (default `exchange/taskcluster-queue/v1/`). */
  readonly exchangePrefix?: string;
  /** Stops the watch early: it completes without a `resolved` event (gracefully, as `consume()`'s `signal`). */
  readonly signal?: AbortSignal;
  /** Tasks per `listTaskGroup` page. Default 1000 (the queue's maximum). */
  readonly pageSize?: number;
}

export interface WatchSettings {
  readonly queue: Queue;
  readonly pulse: PulseClient;
  readonly queueName: string | undefined;
  readonly exchangePrefix: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly pageSize: number;
}

/** A slugid, as the queue's schemas require of a taskGroupId. */
const SLUGID = /^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$/;
const MAX_PAGE = 1000;

/** Checks the arguments, naming the field and the rule, before any network I/O. */
export function resolveWatchSettings(taskGroupId: unknown, options: WatchTaskGroupOptions): WatchSettings {
  if (typeof taskGroupId !== 'string' || !SLUGID.test(taskGroupId)) {
    throw new PulseConfigError('taskGroupId', `must be a slugid (22 characters, ${SLUGID.source}), got ${JSON.stringify(taskGroupId)}`);
  }
  if (typeof options !== 'object' || options === null) throw new PulseConfigError('options', 'must be an object {queue, pulse, ...}');
  const { queue, pulse, queueName, exchangePrefix, signal, pageSize = MAX_PAGE } = options;
  if (typeof (queue as Partial<Queue> | undefined)?.listTaskGroup !== 'function' || typeof queue.pages !== 'function') {
    throw new PulseConfigError('queue', 'must be a Queue client (new Queue({rootUrl, credentials})), to list the task group');
  }
  if (typeof (pulse as Partial<PulseClient> | undefined)?.consume !== 'function') {
    throw new PulseConfigError('pulse', 'must be a PulseClient, to receive the group\'s events');
  }
  // consume() checks it too, but only on subscribing: here it throws at the call.
  if (queueName !== undefined) resolveQueueOptions(pulse.namespace, { queueName });
  if (exchangePrefix !== undefined && (typeof exchangePrefix !== 'string' || !exchangePrefix.endsWith('/'))) {
    throw new PulseConfigError('exchangePrefix', `must be a string ending in "/", e.g. "exchange/taskcluster-queue/v1/", got ${JSON.stringify(exchangePrefix)}`);
  }
  if (signal !== undefined && typeof (signal as Partial<AbortSignal>).aborted !== 'boolean') throw new PulseConfigError('signal', 'must be an AbortSignal');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) throw new PulseConfigError('pageSize', `must be an integer 1-${MAX_PAGE}, got ${String(pageSize)}`);
  return { queue, pulse, queueName, exchangePrefix, signal, pageSize };
}
