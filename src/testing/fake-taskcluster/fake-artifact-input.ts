/**
 * An artifact as a test gives it to `FakeQueue.addArtifact` (`FakeArtifact`),
 * and as the fake queue keeps it (`StoredArtifact`): the first checked, field
 * by field, and turned into the second.
 */
import type { ArtifactResponse, PostArtifactRequest } from '../../generated/types/queue.js';

/** Why a worker could not upload an artifact (an `error` artifact). */
export type ArtifactErrorReason = Extract<PostArtifactRequest, { storageType: 'error' }>['reason'];

interface FakeArtifactBase {
  /** Default: the task's latest run. */
  readonly runId?: number;
  /** Default `text/plain; charset=utf-8` for content, `application/binary` otherwise (the queue's default). */
  readonly contentType?: string;
  /** Default: when the task expires. */
  readonly expires?: Date | string;
}

/** Content kept by the fake and served from its storage URL: `s3` (the default) or `object`. */
export interface FakeContentArtifact extends FakeArtifactBase {
  readonly storageType?: 's3' | 'object';
  readonly content: string | Uint8Array;
  /** `s3` only: served with this `Content-Encoding` (content given encoded), as S3 serves gzipped logs. */
  readonly contentEncoding?: 'gzip' | 'deflate' | 'br';
}

/** A `reference` artifact: the queue redirects to `url`. */
export interface FakeReferenceArtifact extends FakeArtifactBase {
  readonly storageType: 'reference';
  readonly url: string;
}

/** An `error` artifact: a worker reported why the file is missing. */
export interface FakeErrorArtifact extends FakeArtifactBase {
  readonly storageType: 'error';
  readonly reason: ArtifactErrorReason;
  readonly message: string;
}

/** An artifact for `FakeQueue.addArtifact`. */
export type FakeArtifact = FakeContentArtifact | FakeReferenceArtifact | FakeErrorArtifact;

export interface StoredArtifact {
  readonly runId: number;
  /** What listArtifacts and artifactInfo answer. */
  readonly info: ArtifactResponse;
  readonly content?: Buffer;
  readonly contentEncoding?: string;
  readonly url?: string;
  readonly error?: { readonly reason: string; readonly message: string };
  /** Object artifacts created by a bot: set until finishArtifact. */
  readonly uploadId?: string;
}

const ERROR_REASONS: readonly ArtifactErrorReason[] = ['file-missing-on-worker', 'invalid-resource-on-worker', 'too-large-file-on-worker', 'file-not-readable-on-worker'];

/** `artifact` checked and kept as given; a TypeError (prefixed by `where`) names the field and the rule. */
export function storedArtifact(where: string, name: string, runId: number, expires: string, artifact: FakeArtifact): StoredArtifact {
  const storageType = artifact.storageType ?? 's3';
  const contentType = artifact.contentType ?? ('content' in artifact ? 'text/plain; charset=utf-8' : 'application/binary');
  if (typeof contentType !== 'string' || contentType.length > 255) throw new TypeError(`${where}: contentType must be a string of at most 255 characters`);
  const info = { storageType, name, expires, contentType };
  switch (artifact.storageType) {
    case undefined:
    case 's3':
    case 'object': {
      if (typeof artifact.content !== 'string' && !(artifact.content instanceof Uint8Array)) {
        throw new TypeError(`${where}: content must be a string or a Buffer (for ${storageType} artifacts)`);
      }
      const content = Buffer.from(artifact.content);
      const encoding = artifact.contentEncoding;
      if (encoding !== undefined && !(storageType === 's3' && ['gzip', 'deflate', 'br'].includes(encoding))) {
        throw new TypeError(`${where}: contentEncoding must be gzip, deflate or br, for s3 artifacts only`);
      }
      return { runId, info: { ...info, contentLength: content.length }, content, ...(encoding ? { contentEncoding: encoding } : {}) };
    }
    case 'reference':
      if (typeof artifact.url !== 'string' || !URL.canParse(artifact.url)) throw new TypeError(`${where}: url must be an absolute URL (for reference artifacts)`);
      return { runId, info, url: artifact.url };
    case 'error':
      if (!ERROR_REASONS.includes(artifact.reason)) throw new TypeError(`${where}: reason must be one of ${ERROR_REASONS.join(', ')} (for error artifacts)`);
      if (typeof artifact.message !== 'string') throw new TypeError(`${where}: message must be a string (for error artifacts)`);
      return { runId, info, error: { reason: artifact.reason, message: artifact.message } };
    default:
      throw new TypeError(`${where}: storageType must be s3, object, reference or error, got ${String((artifact as { storageType: unknown }).storageType)}`);
  }
}
