/**
 * What to download for a queue artifact, by the storage type the queue
 * answers (`queue.artifact` / `latestArtifact`): `s3` and `reference` are a
 * URL, `object` goes through the Object service with the credentials the
 * queue hands out, `error` is the worker's reason. (`link` artifacts are
 * resolved by the queue: the answer names the linked artifact's type.)
 */
import { ObjectService } from '../generated/clients/object.js';
import type { Queue } from '../generated/clients/queue.js';
import { ArtifactError } from './artifact-error.js';
import { objectSource, type ObjectDownloadSource } from './object-source.js';
import { rootUrlOf } from './root-url.js';
import type { ResolvedTransferOptions } from './transfer-options.js';
import type { TransferSource } from './transfer-source.js';

export type ArtifactSource =
  | { readonly storageType: 's3' | 'reference'; readonly source: TransferSource }
  | { readonly storageType: 'object'; readonly source: ObjectDownloadSource };

export interface ArtifactRef {
  readonly queue: Queue;
  readonly taskId: string;
  readonly runId: number | undefined;
  readonly name: string;
}

export async function artifactSource(ref: ArtifactRef, followReferences: boolean, options: ResolvedTransferOptions): Promise<ArtifactSource> {
  const { queue, taskId, runId, name } = ref;
  const what = `artifact ${name} of task ${taskId}${runId === undefined ? '' : ` run ${runId}`}`;
  const answer = await (runId === undefined ? queue.latestArtifact(taskId, name) : queue.artifact(taskId, runId, name));
  switch (answer.storageType) {
    case 's3':
      return { storageType: 's3', source: fixedUrl(answer.url, what) };
    case 'reference':
      // Refused before the URL is looked at: the task chose it, and this
      // process may reach hosts the task cannot (request forgery).
      if (!followReferences) {
        throw new ArtifactError({
          code: 'ArtifactStorageTypeRejected',
          storageType: 'reference',
          message: `${what} is a reference artifact: its URL was chosen by the task, so it is not fetched unless followReferences is true`,
        });
      }
      return { storageType: 'reference', source: { ...fixedUrl(answer.url, what), secretPath: true } };
    case 'object': {
      const object = new ObjectService({ rootUrl: rootUrlOf(queue), credentials: answer.credentials, retries: options.retries, timeout: options.timeout });
      return { storageType: 'object', source: objectSource(object, answer.name, what) };
    }
    case 'error':
      throw new ArtifactError({ code: 'ArtifactError', storageType: 'error', reason: answer.reason, message: `${what}: ${answer.reason}: ${answer.message}` });
    default:
      throw new ArtifactError({
        code: 'UnsupportedStorageType',
        storageType: String((answer as { storageType: unknown }).storageType),
        message: `${what} has storage type ${String((answer as { storageType: unknown }).storageType)}, which this client cannot download`,
      });
  }
}

function fixedUrl(url: string, what: string): TransferSource {
  return { what, url: () => Promise.resolve(url) };
}
