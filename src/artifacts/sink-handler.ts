/**
 * One storage answer into a ByteSink, as an undici dispatch handler: a
 * redirect's target, an HTTP error with its (redacted) body, or the body
 * itself, paused while the sink is full, timed out when storage goes quiet,
 * checked against the size storage announced.
 */
import type { Dispatcher } from 'undici';
import { NetworkError, networkErrorOf } from '../rest/network-error.js';
import { redactText } from '../rest/redaction.js';
import { ArtifactError } from './artifact-error.js';
import type { ByteSink, ResponseInfo } from './byte-sink.js';
import type { ContentHasher } from './hashes.js';
import type { ResolvedTransferOptions } from './transfer-options.js';
import type { TransferSource } from './transfer-source.js';

const ERROR_BODY_LIMIT = 4096;

/** What the attempts of one transfer have received so far. */
export interface Progress {
  delivered: number;
  info: ResponseInfo | undefined;
  /** Bytes the whole body has, once storage said so. */
  total: number | undefined;
}

export class SinkHandler implements Dispatcher.DispatchHandler {
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
