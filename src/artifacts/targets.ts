/** What a download can produce, and the results by target. */
import type { Readable } from 'node:stream';
import type { ContentHashes } from './hashes.js';

/**
 * Where the bytes go: into memory (`'buffer'`, `'text'` as UTF-8, `'json'`
 * parsed), a `Readable` (`'stream'`), an async iterator of lines (`'lines'`,
 * for logs), or `{file}` (written under a temporary name, renamed when
 * complete and verified).
 */
export type DownloadTarget = 'buffer' | 'text' | 'json' | 'stream' | 'lines' | { readonly file: string };

/** What storage said about the content, known before the first byte. */
export interface DownloadInfo {
  /** `s3`, `object` or (with `followReferences`) `reference`. */
  readonly storageType: 's3' | 'object' | 'reference';
  readonly contentType: string;
  /** The size storage announced for the bytes on the wire, if it did. */
  readonly contentLength: number | undefined;
  /** `gzip` etc. when storage sent the content encoded (it is decoded for you). */
  readonly contentEncoding: string | undefined;
}

/** A finished download. */
export interface CompletedDownload extends DownloadInfo {
  /** Bytes delivered (after decoding). */
  readonly size: number;
  /** Transfer attempts, retries included. */
  readonly attempts: number;
  /** The hashes verified against the Object service's record (objects only). */
  readonly hashes: ContentHashes | undefined;
}

export interface BufferDownload extends CompletedDownload {
  readonly data: Buffer;
}
export interface TextDownload extends CompletedDownload {
  readonly data: string;
}
export interface JsonDownload<T = unknown> extends CompletedDownload {
  readonly data: T;
}
export interface FileDownload extends CompletedDownload {
  /** The final path (only there once everything arrived and was verified). */
  readonly file: string;
}
/** A download still under way: errors (hash mismatch included) reach the stream, which then never ends cleanly. */
export interface StreamDownload extends DownloadInfo {
  readonly stream: Readable;
  /** Settles with the stream: the summary, or the error. */
  readonly done: Promise<CompletedDownload>;
}
export interface LinesDownload extends DownloadInfo {
  /** Lines without their `\n` (or `\r\n`); decoding is UTF-8. Throws what the download throws. */
  readonly lines: AsyncIterableIterator<string>;
  readonly done: Promise<CompletedDownload>;
}

/** The result for target `T`. */
export type DownloadResult<T extends DownloadTarget> = T extends 'text'
  ? TextDownload
  : T extends 'json'
    ? JsonDownload
    : T extends 'stream'
      ? StreamDownload
      : T extends 'lines'
        ? LinesDownload
        : T extends { readonly file: string }
          ? FileDownload
          : BufferDownload;
