/**
 * One upload to a URL the Object service handed out (`putUrl`): a PUT with
 * the headers it asked for, the bytes hashed on their way out, retried as
 * REST calls are (5xx and network failures; 4xx is final), each attempt
 * reading the source again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Transform, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { backoffDelay } from '../rest/backoff.js';
import { networkErrorOf, NetworkError } from '../rest/network-error.js';
import { redactText } from '../rest/redaction.js';
import { ArtifactError } from './artifact-error.js';
import { ContentHasher } from './hashes.js';
import { transferAgent } from './http-agent.js';
import type { ResolvedTransferOptions } from './transfer-options.js';

/** The bytes, once per attempt. */
export type BodyFactory = () => Promise<Buffer | Readable>;

/** PUTs the body (`size` bytes) to `url`; resolves to the hasher of the attempt that succeeded. */
export async function putWithRetries(url: string, headers: Readonly<Record<string, string>>, body: BodyFactory, size: number, options: ResolvedTransferOptions, what: string): Promise<ContentHasher> {
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new ArtifactError({ code: 'Aborted', message: `${what}: aborted`, attempts: attempt });
    const hasher = new ContentHasher();
    try {
      await putOnce(url, headers, await body(), size, hasher, options);
      return hasher;
    } catch (error) {
      const failure =
        error instanceof NetworkError
          ? new ArtifactError({ code: error.code, message: `${what}: ${error.message}`, attempts: attempt, cause: error.cause })
          : error instanceof ArtifactError
            ? new ArtifactError({ code: error.code, statusCode: error.statusCode, message: `${what}: ${error.message}`, attempts: attempt })
            : (error as Error);
      const retriable = failure instanceof ArtifactError && (failure.code !== 'StorageError' || (failure.statusCode ?? 0) >= 500);
      if (!retriable || attempt > options.retries) throw failure;
      await sleep(backoffDelay(attempt, options));
    }
  }
}

/** `body`, hashed as it goes out; `onChunk` hears of every chunk read. */
function hashed(body: Buffer | Readable, hasher: ContentHasher, onChunk: () => void): Buffer | Readable {
  if (Buffer.isBuffer(body)) {
    hasher.update(body);
    return body;
  }
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hasher.update(chunk);
      try {
        onChunk();
      } catch (error) {
        return done(error as Error); // a throwing progress listener fails the attempt, not the process
      }
      done(null, chunk);
    },
  });
  body.on('error', (error) => tap.destroy(error));
  return body.pipe(tap);
}

/** One PUT; `timeout` bounds the wait between chunks read and for the answer. */
function putOnce(url: string, headers: Readonly<Record<string, string>>, source: Buffer | Readable, size: number, hasher: ContentHasher, options: ResolvedTransferOptions): Promise<void> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let status = 0;
    const answer: Buffer[] = [];
    const timer = setTimeout(() => fail(new NetworkError('ECONNABORTED', `no progress for ${options.timeout} ms`)), options.timeout);
    const body = hashed(source, hasher, () => {
      timer.refresh();
      options.onProgress?.(hasher.bytes, size);
    });
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller?.abort(error);
      reject(error);
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (c) => void (controller = c),
      onResponseStart: (_c, statusCode) => void (status = statusCode),
      onResponseData: (_c, chunk) => void (answer.length < 8 && answer.push(chunk)),
      onResponseEnd: () => {
        if (settled) return;
        if (status >= 200 && status < 300) {
          settled = true;
          clearTimeout(timer);
          if (Buffer.isBuffer(source)) options.onProgress?.(size, size);
          return resolve();
        }
        const text = redactText(Buffer.concat(answer).toString('utf8').slice(0, 1000), [...target.searchParams.values()].filter((v) => v.length >= 8));
        fail(new ArtifactError({ code: 'StorageError', statusCode: status, message: `storage answered HTTP ${status}: ${text} [${target.origin}${target.pathname}]` }));
      },
      onResponseError: (_c, error) => fail(networkErrorOf(error)),
    };
    transferAgent().dispatch({ origin: target.origin, path: target.pathname + target.search, method: 'PUT', headers: { ...headers }, body }, handler);
  });
}
