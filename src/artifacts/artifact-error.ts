import type { NetworkErrorCode } from '../rest/network-error.js';
import { redactText } from '../rest/redaction.js';

/**
 * The stable codes a download or upload fails with (besides the
 * TaskclusterError of a REST call it makes on the way).
 */
export type ArtifactErrorCode =
  /** A `reference` artifact, refused before its task-chosen URL was read (see `followReferences`). */
  | 'ArtifactStorageTypeRejected'
  /** An `error` artifact: the worker said why there is no content (`reason`, `message`). */
  | 'ArtifactError'
  /** A storage type this client does not know. */
  | 'UnsupportedStorageType'
  /** The Object service offered no download (or upload) method this client speaks. */
  | 'NoMatchingMethod'
  /** The bytes do not hash to what the Object service recorded. Never retried. */
  | 'HashMismatch'
  /** The Object service recorded no sha256 or sha512 to check the bytes against. */
  | 'NoAcceptableHash'
  /** Fewer or more bytes than announced (a truncated body), after retries; or an upload of the wrong length. */
  | 'SizeMismatch'
  /** Storage answered an HTTP error status (4xx at once, 5xx after retries): see `statusCode`. */
  | 'StorageError'
  /** The content is not what the target needs (not JSON for `to: 'json'`). */
  | 'InvalidContent'
  /** More than 10 redirects, or one to something other than http(s). */
  | 'BadRedirect'
  /** The `signal` given was aborted. */
  | 'Aborted'
  /** No answer from storage after retries: the transport's stable code. */
  | NetworkErrorCode;

export interface ArtifactErrorDetails {
  readonly code: ArtifactErrorCode;
  readonly message: string;
  readonly statusCode?: number | undefined;
  /** For `ArtifactError`: the worker's reason, e.g. `file-missing-on-worker`. */
  readonly reason?: string | undefined;
  readonly storageType?: string | undefined;
  /** Transfer attempts made, retries included. */
  readonly attempts?: number | undefined;
  readonly cause?: Error | undefined;
}

/**
 * Why a download or upload failed, under a stable `code`. The message never
 * carries a signed URL's signature or a credential (redacted by structure).
 */
export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
  readonly code: ArtifactErrorCode;
  readonly statusCode: number | undefined;
  readonly reason: string | undefined;
  readonly storageType: string | undefined;
  readonly attempts: number | undefined;

  constructor(details: ArtifactErrorDetails) {
    super(redactText(details.message), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.statusCode = details.statusCode;
    this.reason = details.reason;
    this.storageType = details.storageType;
    this.attempts = details.attempts;
  }
}
