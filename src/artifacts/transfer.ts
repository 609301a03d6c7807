/**
 * Moves bytes from a storage URL into a ByteSink: one request at a time
 * through undici's dispatcher (no stream machinery between socket and sink),
 * following redirects, pausing the socket while the sink is full, and
 * retrying as REST calls are retried. A retry asks for the rest with a
 * `Range` header (and skips what it has when storage answers 200), so each
 * byte reaches the sink once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../rest/backoff.js';
import { NetworkError } from '../rest/network-error.js';
import { ArtifactError } from './artifact-error.js';
import type { ByteSink, ResponseInfo } from './byte-sink.js';
import type { ContentHasher } from './hashes.js';
import { transferAgent } from './http-agent.js';
import { SinkHandler, type Progress } from './sink-handler.js';
import type { ResolvedTransferOptions } from './transfer-options.js';
import type { TransferSource } from './transfer-source.js';

export interface TransferSummary {
  readonly info: ResponseInfo;
  /** Bytes received (on the wire, before any content decoding). */
  readonly bytes: number;
  readonly attempts: number;
}

const MAX_REDIRECTS = 10;

/** Downloads `source` into `sink` (bytes also go to `hasher`, if any). The sink is neither closed nor failed here. */
export async function transfer(source: TransferSource, sink: ByteSink, options: ResolvedTransferOptions, hasher?: ContentHasher): Promise<TransferSummary> {
  const progress: Progress = { delivered: 0, info: undefined, total: undefined };
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal, source.what, attempt);
    try {
      let url = await source.url(attempt);
      for (let hop = 0; ; hop++) {
        const next = await requestOnce(url, progress, sink, options, hasher, source);
        if (next === undefined) break;
        if (hop >= MAX_REDIRECTS) throw new ArtifactError({ code: 'BadRedirect', message: `${source.what}: more than ${MAX_REDIRECTS} redirects` });
        url = next;
      }
      return { info: progress.info!, bytes: progress.delivered, attempts: attempt };
    } catch (error) {
      const failure = asArtifactError(error, source.what, attempt);
      if (!isRetriable(failure) || attempt > options.retries) throw failure;
      try {
        await sleep(backoffDelay(attempt, options), undefined, { signal: options.signal });
      } catch {
        throwIfAborted(options.signal, source.what, attempt);
      }
    }
  }
}

/** One request; resolves to a redirect's target, or undefined once the body is in the sink. */
function requestOnce(
  url: string,
  progress: Progress,
  sink: ByteSink,
  options: ResolvedTransferOptions,
  hasher: ContentHasher | undefined,
  source: TransferSource,
): Promise<string | undefined> {
  const what = source.what;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new ArtifactError({ code: 'BadRedirect', message: `${what}: not a URL${source.secretPath ? '' : `: ${url}`}` }));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(new ArtifactError({ code: 'BadRedirect', message: `${what}: only http(s) URLs are fetched, not ${parsed.protocol}` }));
  }
  const headers: Record<string, string> = {};
  if (progress.delivered > 0) headers.range = `bytes=${progress.delivered}-`;
  return new Promise((resolve, reject) => {
    const handler = new SinkHandler(parsed, progress, sink, options, hasher, source, resolve, reject);
    transferAgent().dispatch(
      { origin: parsed.origin, path: parsed.pathname + parsed.search, method: 'GET', headers, headersTimeout: options.timeout, bodyTimeout: 0 },
      handler,
    );
  });
}

function throwIfAborted(signal: AbortSignal | undefined, what: string, attempts: number): void {
  if (signal?.aborted) throw new ArtifactError({ code: 'Aborted', message: `${what}: aborted`, attempts });
}

function asArtifactError(error: unknown, what: string, attempts: number): ArtifactError | Error {
  if (error instanceof ArtifactError) {
    return new ArtifactError({ ...error, message: error.message, attempts, cause: error.cause as Error | undefined });
  }
  if (error instanceof NetworkError) {
    return new ArtifactError({ code: error.code, message: `${what}: ${error.message}`, attempts, cause: error.cause });
  }
  return error as Error;
}

/** Storage 5xx, transport failures and truncated bodies may go better next time; 4xx, hashes and the rest never. */
function isRetriable(error: Error): boolean {
  if (!(error instanceof ArtifactError)) return false;
  if (error.code === 'StorageError') return error.statusCode !== undefined && error.statusCode >= 500;
  return !['ArtifactStorageTypeRejected', 'ArtifactError', 'UnsupportedStorageType', 'NoMatchingMethod', 'HashMismatch', 'NoAcceptableHash', 'BadRedirect', 'Aborted'].includes(error.code);
}
