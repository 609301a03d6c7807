/**
 * Downloading artifacts and objects. `downloadArtifact` refuses `reference`
 * artifacts unless asked (`followReferences: true`): their URL is the task's
 * choice, and fetching it from a bot with more network reach than the task is
 * server-side request forgery.
 */
import type { ObjectService } from '../generated/clients/object.js';
import type { Queue } from '../generated/clients/queue.js';
import { ApiArgumentError } from '../rest/api-argument-error.js';
import { artifactSource } from './artifact-source.js';
import { objectSource } from './object-source.js';
import { checkTarget, runDownload } from './run-download.js';
import type { DownloadResult, DownloadTarget } from './targets.js';
import { requireString, resolveTransferOptions, type TransferOptions } from './transfer-options.js';

export interface DownloadArtifactOptions<T extends DownloadTarget = 'buffer'> extends TransferOptions {
  /** A queue client, with credentials that may read the artifact (`queue:get-artifact:<name>`) unless it is public. */
  readonly queue: Queue;
  readonly taskId: string;
  /** Default: the latest run. */
  readonly runId?: number | undefined;
  /** E.g. `public/logs/live_backing.log`. */
  readonly name: string;
  /** Default `'buffer'`. */
  readonly to?: T;
  /**
   * Fetch `reference` artifacts too. Default false: their URL was chosen by
   * the task, so a bot that can reach more than the task could (an internal
   * network, a cloud metadata endpoint) would fetch it on the task's behalf.
   * Set it only for tasks you trust.
   */
  readonly followReferences?: boolean;
}

export interface DownloadObjectOptions<T extends DownloadTarget = 'buffer'> extends TransferOptions {
  /** An Object service client with `object:download:<name>`. */
  readonly object: ObjectService;
  readonly name: string;
  /** Default `'buffer'`. */
  readonly to?: T;
}

/**
 * Downloads a task's artifact by its storage type (`s3`, `object` verified
 * by hash, `reference` only with `followReferences`; `error` is an
 * ArtifactError with the worker's `reason`), retrying the data transfer as
 * REST calls are retried.
 */
export async function downloadArtifact<T extends DownloadTarget = 'buffer'>(options: DownloadArtifactOptions<T>): Promise<DownloadResult<T>> {
  const where = 'downloadArtifact';
  if (typeof options !== 'object' || options === null) throw new ApiArgumentError(where, 'options', 'must be {queue, taskId, name, runId?, to?, ...}');
  const { queue, runId, followReferences = false } = options;
  if (typeof queue !== 'object' || queue === null || typeof queue.artifact !== 'function') throw new ApiArgumentError(where, 'queue', 'must be a Queue client');
  const taskId = requireString(options.taskId, where, 'taskId');
  const name = requireString(options.name, where, 'name');
  if (runId !== undefined && !(Number.isInteger(runId) && runId >= 0)) throw new ApiArgumentError(where, 'runId', 'must be a non-negative integer');
  if (typeof followReferences !== 'boolean') throw new ApiArgumentError(where, 'followReferences', 'must be a boolean');
  const transfer = resolveTransferOptions(options, where);
  const to = (await checkTarget(options.to, where)) as T;
  return runDownload(() => artifactSource({ queue, taskId, runId, name }, followReferences, transfer), to, transfer);
}

/** Downloads an object from the Object service (`getUrl` or `simple`), verifying its sha256/sha512. */
export async function downloadObject<T extends DownloadTarget = 'buffer'>(options: DownloadObjectOptions<T>): Promise<DownloadResult<T>> {
  const where = 'downloadObject';
  if (typeof options !== 'object' || options === null) throw new ApiArgumentError(where, 'options', 'must be {object, name, to?, ...}');
  const { object } = options;
  if (typeof object !== 'object' || object === null || typeof object.startDownload !== 'function') throw new ApiArgumentError(where, 'object', 'must be an ObjectService client');
  const name = requireString(options.name, where, 'name');
  const transfer = resolveTransferOptions(options, where);
  const to = (await checkTarget(options.to, where)) as T;
  return runDownload(() => Promise.resolve({ storageType: 'object', source: objectSource(object, name, `object ${name}`) }), to, transfer);
}
