/**
 * Moves bytes from a storage URL into a ByteSink: one request at a time
 * through undici's dispatcher (no stream machinery between socket and sink),
 * following redirects, pausing the socket while the sink is full, and
 * retrying as REST calls are retried. A retry asks for the rest with a
 * `Range` header (and skips what it has when storage answers 200), so each
 * byte reaches the sink once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { backoffDelay } from '../rest/backoff.js';
import { NetworkError, networkErrorOf } from '../rest/network-error.js';
import { redactText } from '../rest/redaction.js';
import { ArtifactError } from './artifact-error.js';
import type { ByteSink, ResponseInfo } from './byte-sink.js';
import type { ContentHasher } from './hashes.js';
import { transferAgent } from './http-agent.js';
import type { ResolvedTransferOptions } from './transfer-options.js';

/** Where to download from; `url` is asked again before every attempt (a signed URL may need renewing). */
export interface TransferSource {
  /** For messages, e.g. `artifact public/logs/live.log of task abc`. */
  readonly what: string;
  /**
   * The URL's path may hold a secret (a worker's livelog serves
   * `/log/<access token>`): messages quote only its origin.
   */
  readonly secretPath?: boolean;
  url(attempt: number): Promise<string>;
}

export interface TransferSummary {
  readonly info: ResponseInfo;
  /** Bytes received (on the wire, before any content decoding). */
  readonly bytes: number;
  readonly attempts: number;
}

const MAX_REDIRECTS = 10;
const ERROR_BODY_LIMIT = 4096;

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

interface Progress {
  delivered: number;
  info: ResponseInfo | undefined;
  /** Bytes the whole body has, once storage said so. */
  total: number | undefined;
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

class SinkHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  private mode: 'body' | 'redirect' | 'error' = 'body';
  private redirect: string | undefined;
  private statusCode = 0;
  private errorBody: Buffer[] = [];
  /** Bytes at the start of this answer that the sink already has (storage ignored the Range). */
  private skip = 0;
  private readonly onAbort = () => this.abort(new ArtifactError({ code: 'Aborted', message: `${this.what}: aborted` }));
  private readonly what: string;

  constructor(
    private readonly url: URL,
    private readonly progress: Progress,
    private readonly sink: ByteSink,
    private readonly options: ResolvedTransferOptions,
    private readonly hasher: ContentHasher | undefined,
    private readonly source: TransferSource,
    private readonly resolve: (redirect: string | undefined) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.what = source.what;
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.armTimer(); // until the headers (undici's own header timeout is coarse, about a second)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('settled'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const location = header('location');
    if ([301, 302, 303, 307, 308].includes(statusCode) && location !== undefined) {
      this.mode = 'redirect';
      this.redirect = new URL(location, this.url).href;
      return;
    }
    if (statusCode !== 200 && statusCode !== 206) {
      this.mode = 'error';
      return;
    }
    const length = numberOrUndefined(header('content-length'));
    if (statusCode === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header('content-range') ?? '');
      if (!range || Number(range[1]) !== this.progress.delivered) {
        this.fail(new ArtifactError({ code: 'SizeMismatch', message: `${this.what}: storage answered another range than the one asked for` }));
        return;
      }
      this.progress.total ??= numberOrUndefined(range[2]);
    } else {
      this.skip = this.progress.delivered;
      this.progress.total ??= length;
    }
    if (this.progress.info === undefined) {
      const info: ResponseInfo = {
        contentType: header('content-type') ?? 'application/octet-stream',
        contentLength: length,
        contentEncoding: header('content-encoding')?.trim().toLowerCase() || undefined,
      };
      this.progress.info = info;
      try {
        this.sink.open(info);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
    }
    this.armTimer();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.mode === 'redirect') return;
    if (this.mode === 'error') {
      if (this.errorBody.reduce((n, c) => n + c.length, 0) < ERROR_BODY_LIMIT) this.errorBody.push(chunk);
      return;
    }
    this.armTimer();
    if (this.skip > 0) {
      const dropped = Math.min(this.skip, chunk.length);
      this.skip -= dropped;
      chunk = chunk.subarray(dropped);
      if (chunk.length === 0) return;
    }
    this.hasher?.update(chunk);
    this.progress.delivered += chunk.length;
    let more: boolean;
    try {
      more = this.sink.write(chunk);
      this.options.onProgress?.(this.progress.delivered, this.progress.total);
    } catch (error) {
      // The sink cannot take more (a full disk, a reader gone), or the progress listener threw: not worth a retry.
      this.fail(new ArtifactError({ code: 'Aborted', message: `${this.what}: ${(error as Error).message}`, cause: error as Error }));
      return;
    }
    if (!more) {
      controller.pause();
      clearTimeout(this.timer); // the consumer's pace, not the server's
      this.timer = undefined;
      this.sink.onDrain(() => {
        if (this.settled) return;
        this.armTimer();
        controller.resume();
      });
    }
  }

  onResponseEnd(): void {
    if (this.settled) return;
    if (this.mode === 'redirect') return this.settle(() => this.resolve(this.redirect));
    if (this.mode === 'error') {
      // Storage may echo the request's signature (or a secret path) outside any structure redactText knows.
      const secretPath = this.source.secretPath === true;
      const secrets = [...this.url.searchParams.values(), ...(secretPath ? this.url.pathname.split('/').map(decodeURIComponentSafely) : [])];
      const body = redactText(Buffer.concat(this.errorBody).toString('utf8').slice(0, ERROR_BODY_LIMIT), secrets.filter((value) => value.length >= 8));
      const where = secretPath ? this.url.origin : `${this.url.origin}${this.url.pathname}`;
      return this.fail(
        new ArtifactError({
          code: 'StorageError',
          statusCode: this.statusCode,
          message: `${this.what}: storage answered HTTP ${this.statusCode}${body ? `: ${body}` : ''} [${where}]`,
        }),
      );
    }
    const { total, delivered } = this.progress;
    if (total !== undefined && total !== delivered) {
      return this.fail(new ArtifactError({ code: 'SizeMismatch', message: `${this.what}: got ${delivered} of ${total} bytes` }));
    }
    this.settle(() => this.resolve(undefined));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error instanceof ArtifactError ? error : networkErrorOf(error));
  }

  private armTimer(): void {
    // refresh() re-arms the same timer: cheaper than a new one per chunk.
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.abort(new NetworkError('ECONNABORTED', `no data from storage for ${this.options.timeout} ms`)), this.options.timeout);
  }

  private abort(error: Error): void {
    this.controller?.abort(error);
    this.fail(error);
  }

  private fail(error: Error): void {
    this.settle(() => this.reject(error));
    this.controller?.abort(error);
  }

  private settle(action: () => void): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    action();
  }
}

function decodeURIComponentSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function numberOrUndefined(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
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
