/**
 * Task definitions by taskId for a bot that looks one up per message: a
 * definition never changes once created, so it is kept (up to `maxEntries`,
 * least recently used first out), and callers asking for the same task at
 * once share one `queue.task` request. Failures are not kept.
 */
import type { Queue } from '../generated/clients/queue.js';
import type { Task } from '../generated/types/queue.js';
import { ApiArgumentError } from './api-argument-error.js';

export interface TaskCacheOptions {
  /** Definitions kept at most. Default 1000. */
  readonly maxEntries?: number;
}

export class TaskCache {
  readonly #queue: Queue;
  readonly #maxEntries: number;
  /** Insertion order is recency: a hit moves the entry to the end. */
  readonly #entries = new Map<string, Promise<Task>>();

  constructor(queue: Queue, options: TaskCacheOptions = {}) {
    if (typeof queue !== 'object' || queue === null || typeof queue.task !== 'function') throw new ApiArgumentError('TaskCache', 'queue', 'must be a Queue client');
    const maxEntries = options.maxEntries ?? 1000;
    if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) throw new ApiArgumentError('TaskCache', 'maxEntries', 'must be a positive integer');
    this.#queue = queue;
    this.#maxEntries = maxEntries;
  }

  /** The task's definition: from the cache, from a request under way, or from `queue.task(taskId)`. */
  task(taskId: string): Promise<Task> {
    if (typeof taskId !== 'string' || taskId === '') return Promise.reject(new ApiArgumentError('TaskCache.task', 'taskId', 'must be a non-empty string'));
    const cached = this.#entries.get(taskId);
    if (cached) {
      this.#entries.delete(taskId);
      this.#entries.set(taskId, cached);
      return cached;
    }
    const request = this.#queue.task(taskId);
    this.#entries.set(taskId, request);
    request.catch(() => {
      if (this.#entries.get(taskId) === request) this.#entries.delete(taskId);
    });
    while (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return request;
  }

  /** Definitions kept (requests under way included). */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets one task, or all. */
  clear(taskId?: string): void {
    if (taskId === undefined) this.#entries.clear();
    else this.#entries.delete(taskId);
  }
}
