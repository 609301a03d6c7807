/**
 * One download from a negotiated source into a target: the transfer, the
 * hash check (objects), then the commit (close) or the cleanup (fail).
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ApiArgumentError } from '../rest/api-argument-error.js';
import { ArtifactError } from './artifact-error.js';
import type { ByteSink, ResponseInfo } from './byte-sink.js';
import { algorithmsToVerify, ContentHasher, verifyHashes, type HashAlgorithm } from './hashes.js';
import { BufferSink, DecodingSink, FileSink, StreamSink } from './sinks.js';
import type { CompletedDownload, DownloadInfo, DownloadResult, DownloadTarget } from './targets.js';
import type { ResolvedTransferOptions } from './transfer-options.js';
import type { TransferSource } from './transfer-source.js';
import { transfer } from './transfer.js';

/** A negotiated source: objects carry the hashes to verify. */
export interface NegotiatedSource {
  readonly storageType: DownloadInfo['storageType'];
  readonly source: TransferSource & { hashes?(): Promise<Readonly<Record<string, unknown>>> };
}

/** Checks `to` (and a file target's directory) before any request. */
export async function checkTarget(to: unknown, where: string): Promise<DownloadTarget> {
  if (to === undefined) return 'buffer';
  if (typeof to === 'string' && ['buffer', 'text', 'json', 'stream', 'lines'].includes(to)) return to as DownloadTarget;
  if (typeof to === 'object' && to !== null && typeof (to as { file?: unknown }).file === 'string' && (to as { file: string }).file !== '') {
    const file = (to as { file: string }).file;
    const directory = await stat(dirname(resolve(file))).catch(() => undefined);
    if (!directory?.isDirectory()) throw new ApiArgumentError(where, 'to.file', `must be in an existing directory: ${file}`);
    return { file };
  }
  throw new ApiArgumentError(where, 'to', "must be 'buffer', 'text', 'json', 'stream', 'lines' or {file: path}");
}

export async function runDownload<T extends DownloadTarget>(
  negotiate: () => Promise<NegotiatedSource>,
  to: T,
  options: ResolvedTransferOptions,
): Promise<DownloadResult<T>> {
  const target: BufferSink | FileSink | StreamSink =
    typeof to === 'object' ? new FileSink(to.file) : to === 'stream' || to === 'lines' ? new StreamSink() : new BufferSink();
  let storageType: DownloadInfo['storageType'] = 's3';
  let opened!: (info: ResponseInfo) => void;
  const headers = new Promise<ResponseInfo>((resolve) => (opened = resolve));
  const sink = new DecodingSink(announcing(target, (info) => opened(info)), decoderFor);

  const done = (async (): Promise<CompletedDownload> => {
    const negotiated = await negotiate();
    storageType = negotiated.storageType;
    const { source } = negotiated;
    try {
      const hasher = source.hashes ? new ContentHasher(await algorithmsFor(source, source.hashes)) : undefined;
      const summary = await transfer(source, sink, options, hasher);
      const hashes = hasher?.digest();
      if (hashes) verifyHashes(hashes, await source.hashes!(), source.what);
      await sink.close();
      return { ...infoOf(storageType, summary.info), size: target.size(), attempts: summary.attempts, hashes };
    } catch (error) {
      await sink.fail(error as Error);
      throw error;
    }
  })();

  if (target instanceof StreamSink) {
    done.catch(() => {}); // the stream reports it
    const info = infoOf(storageType, await Promise.race([headers, done.then(() => headers)]));
    const result = to === 'lines' ? { ...info, lines: linesOf(target.stream), done } : { ...info, stream: target.stream, done };
    return result as unknown as DownloadResult<T>;
  }
  const completed = await done;
  if (target instanceof FileSink) return { ...completed, file: target.path } as unknown as DownloadResult<T>;
  const bytes = target.data();
  if (to === 'buffer') return { ...completed, data: bytes } as unknown as DownloadResult<T>;
  const text = bytes.toString('utf8');
  if (to === 'text') return { ...completed, data: text } as unknown as DownloadResult<T>;
  try {
    return { ...completed, data: JSON.parse(text) as unknown } as unknown as DownloadResult<T>;
  } catch (error) {
    throw new ArtifactError({ code: 'InvalidContent', message: `the content is not valid JSON: ${(error as Error).message}`, storageType });
  }
}

/**
 * The hashes to compute for an object, by what the service recorded: known
 * once the source's first URL is negotiated (which the transfer then reuses).
 */
async function algorithmsFor(source: TransferSource, recorded: () => Promise<Readonly<Record<string, unknown>>>): Promise<readonly HashAlgorithm[]> {
  await source.url(1);
  return algorithmsToVerify(await recorded.call(source));
}

function infoOf(storageType: DownloadInfo['storageType'], info: ResponseInfo): DownloadInfo {
  return { storageType, contentType: info.contentType, contentLength: info.contentLength, contentEncoding: info.contentEncoding };
}

/** `sink`, telling `onOpen` when the first answer arrived. */
function announcing(sink: ByteSink, onOpen: (info: ResponseInfo) => void): ByteSink {
  return {
    open(info) {
      sink.open(info);
      onOpen(info);
    },
    write: (chunk) => sink.write(chunk),
    onDrain: (resume) => sink.onDrain(resume),
    close: () => sink.close(),
    fail: (error) => sink.fail(error),
  };
}

function decoderFor(encoding: string): Transform | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  return undefined;
}

/** The stream's lines, `\n` or `\r\n` separated, decoded as UTF-8. */
async function* linesOf(stream: Readable): AsyncIterableIterator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      yield text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}
