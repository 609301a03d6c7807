/**
 * Negotiating a download with the Object service: `startDownload` with the
 * methods this client speaks (`getUrl`, preferred by the service, and
 * `simple`), a new `startDownload` once a URL has expired, and the hashes to
 * verify against (`getUrl` carries them; for `simple`, the object's metadata).
 */
import type { ObjectService } from '../generated/clients/object.js';
import type { DownloadObjectResponse } from '../generated/types/object.js';
import { ArtifactError } from './artifact-error.js';
import type { TransferSource } from './transfer-source.js';

export interface ObjectDownloadSource extends TransferSource {
  /** The hashes the service recorded, known once `url(1)` resolved. */
  hashes(): Promise<Readonly<Record<string, unknown>>>;
}

export function objectSource(object: ObjectService, name: string, what: string): ObjectDownloadSource {
  let answer: DownloadObjectResponse | undefined;
  let recorded: Promise<Readonly<Record<string, unknown>>> | undefined;
  const start = async (): Promise<DownloadObjectResponse> => {
    const started = await object.startDownload(name, { acceptDownloadMethods: { getUrl: true, simple: true } });
    if (started.method !== 'getUrl' && started.method !== 'simple') {
      throw new ArtifactError({ code: 'NoMatchingMethod', message: `${what}: the Object service offered download method ${String((started as { method: unknown }).method)}` });
    }
    return started;
  };
  return {
    what,
    async url(attempt) {
      // A getUrl answer's URL is good until `expires`; a simple one has no date, so ask again on a retry.
      const stale = answer === undefined || (answer.method === 'getUrl' ? Date.parse(answer.expires) <= Date.now() : attempt > 1);
      if (stale) answer = await start();
      return answer!.url;
    },
    hashes() {
      if (answer === undefined) throw new Error('hashes() before url()');
      if (answer.method === 'getUrl') return Promise.resolve(answer.hashes);
      return (recorded ??= object.object(name).then((metadata) => metadata.hashes));
    },
  };
}
