/**
 * Uploads through the Object service, as services/object expects them:
 * `createUpload` proposing `dataInline` (small data) and `putUrl`, the data
 * sent by the method it picked (with retries), then `finishUpload` with the
 * sha256 and sha512 of what was sent. `uploadArtifact` does the queue's part
 * for object artifacts: `createArtifact`, the upload with the credentials it
 * gives, `finishArtifact`.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ObjectService } from '../generated/clients/object.js';
import type { Queue } from '../generated/clients/queue.js';
import type { CreateUploadRequest } from '../generated/types/object.js';
import { ApiArgumentError } from '../rest/api-argument-error.js';
import { slugid } from '../rest/slugid.js';
import { ArtifactError } from './artifact-error.js';
import { ContentHasher, type ContentHashes } from './hashes.js';
import { putWithRetries, type BodyFactory } from './put-url.js';
import { rootUrlOf } from './root-url.js';
import { requireString, resolveTransferOptions, type ResolvedTransferOptions, type TransferOptions } from './transfer-options.js';

/**
 * What to upload: bytes (a string is UTF-8), a file, or a stream factory
 * (called once per attempt, so a retry can read again) with its length.
 */
export type UploadData =
  | string
  | Uint8Array
  | { readonly file: string }
  | { readonly stream: () => Readable | Promise<Readable>; readonly contentLength: number };

interface UploadContent {
  /** Default `application/octet-stream`. */
  readonly contentType?: string;
  readonly data: UploadData;
}

export interface UploadObjectOptions extends TransferOptions, UploadContent {
  /** An Object service client with `object:upload:<projectId>:<name>`. */
  readonly object: ObjectService;
  readonly name: string;
  readonly projectId: string;
  readonly expires: Date | string;
  /** Default: a new slugid. Keep it secret: whoever has it may finish the upload. */
  readonly uploadId?: string;
}

export interface UploadArtifactOptions extends TransferOptions, UploadContent {
  /** A queue client with `queue:create-artifact:<taskId>/<runId>` (a worker's). */
  readonly queue: Queue;
  readonly taskId: string;
  readonly runId: number;
  readonly name: string;
  /** No later than the task expires (the queue refuses that). */
  readonly expires: Date | string;
}

export interface UploadResult {
  /** The object's name (for an artifact: `t/<taskId>/<runId>/<name>`). */
  readonly name: string;
  readonly uploadId: string;
  readonly contentLength: number;
  readonly hashes: ContentHashes;
  /** `dataInline` or `putUrl`. */
  readonly method: 'dataInline' | 'putUrl';
}

/** Below this many bytes the data travels inside `createUpload` (as the official client does). */
const DATA_INLINE_MAX = 8192;

/** Uploads an object and finishes it with its hashes. */
export async function uploadObject(options: UploadObjectOptions): Promise<UploadResult> {
  const where = 'uploadObject';
  if (typeof options !== 'object' || options === null) throw new ApiArgumentError(where, 'options', 'must be {object, name, projectId, expires, data, contentType?, ...}');
  const { object } = options;
  if (typeof object !== 'object' || object === null || typeof object.createUpload !== 'function') throw new ApiArgumentError(where, 'object', 'must be an ObjectService client');
  const name = requireString(options.name, where, 'name');
  const projectId = requireString(options.projectId, where, 'projectId');
  const uploadId = options.uploadId === undefined ? slugid() : requireString(options.uploadId, where, 'uploadId');
  const expires = dateText(options.expires, where);
  const contentType = options.contentType === undefined ? 'application/octet-stream' : requireString(options.contentType, where, 'contentType');
  const transfer = resolveTransferOptions(options, where);
  const source = await sourceOf(options.data, where);
  return upload(object, { name, projectId, uploadId, expires, contentType }, source, transfer);
}

/** Uploads an `object` artifact: createArtifact, the upload, finishArtifact. */
export async function uploadArtifact(options: UploadArtifactOptions): Promise<UploadResult> {
  const where = 'uploadArtifact';
  if (typeof options !== 'object' || options === null) throw new ApiArgumentError(where, 'options', 'must be {queue, taskId, runId, name, expires, data, contentType?, ...}');
  const { queue, runId } = options;
  if (typeof queue !== 'object' || queue === null || typeof queue.createArtifact !== 'function') throw new ApiArgumentError(where, 'queue', 'must be a Queue client');
  const taskId = requireString(options.taskId, where, 'taskId');
  const name = requireString(options.name, where, 'name');
  if (!(Number.isInteger(runId) && runId >= 0)) throw new ApiArgumentError(where, 'runId', 'must be a non-negative integer');
  const expires = dateText(options.expires, where);
  const contentType = options.contentType === undefined ? 'application/octet-stream' : requireString(options.contentType, where, 'contentType');
  const transfer = resolveTransferOptions(options, where);
  const source = await sourceOf(options.data, where);

  const created = await queue.createArtifact(taskId, runId, name, { storageType: 'object', expires, contentType, contentLength: source.size });
  if (created.storageType !== 'object') {
    throw new ArtifactError({ code: 'UnsupportedStorageType', storageType: created.storageType, message: `queue.createArtifact answered storage type ${created.storageType}, not object` });
  }
  const object = new ObjectService({ rootUrl: rootUrlOf(queue), credentials: created.credentials, retries: transfer.retries, timeout: transfer.timeout });
  const result = await upload(object, { name: created.name, projectId: created.projectId, uploadId: created.uploadId, expires: created.expires, contentType }, source, transfer);
  await queue.finishArtifact(taskId, runId, name, { uploadId: created.uploadId });
  return result;
}

interface Target {
  readonly name: string;
  readonly projectId: string;
  readonly uploadId: string;
  readonly expires: string;
  readonly contentType: string;
}

interface Source {
  readonly size: number;
  /** The bytes in memory, for small data (dataInline). */
  readonly inline: Buffer | undefined;
  readonly body: BodyFactory;
}

async function upload(object: ObjectService, target: Target, source: Source, transfer: ResolvedTransferOptions): Promise<UploadResult> {
  const what = `upload of object ${target.name}`;
  const proposedUploadMethods: CreateUploadRequest['proposedUploadMethods'] = {
    putUrl: { contentType: target.contentType, contentLength: source.size },
  };
  let hashes: { sha256: string; sha512: string } | undefined;
  if (source.inline) {
    const hasher = new ContentHasher();
    hasher.update(source.inline);
    hashes = hasher.digest();
    proposedUploadMethods.dataInline = { contentType: target.contentType, objectData: source.inline.toString('base64') };
  }
  const { name, projectId, uploadId, expires } = target;
  const created = await object.createUpload(name, { projectId, uploadId, expires, proposedUploadMethods, ...(hashes ? { hashes } : {}) });
  let method: UploadResult['method'];
  if (created.uploadMethod.dataInline) {
    method = 'dataInline';
    transfer.onProgress?.(source.size, source.size);
  } else if (created.uploadMethod.putUrl) {
    method = 'putUrl';
    const { url, headers } = created.uploadMethod.putUrl;
    const hasher = await putWithRetries(url, headers as Record<string, string>, source.body, source.size, transfer, what);
    if (hasher.bytes !== source.size) throw new ArtifactError({ code: 'SizeMismatch', message: `${what}: sent ${hasher.bytes} bytes, ${source.size} were announced` });
    hashes = hasher.digest();
  } else {
    throw new ArtifactError({ code: 'NoMatchingMethod', message: `${what}: the Object service accepted none of dataInline, putUrl` });
  }
  await object.finishUpload(name, { projectId, uploadId, hashes: hashes! });
  return { name, uploadId, contentLength: source.size, hashes: hashes!, method };
}

async function sourceOf(data: unknown, where: string): Promise<Source> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    const bytes = Buffer.from(data as Uint8Array);
    return { size: bytes.length, inline: bytes.length < DATA_INLINE_MAX ? bytes : undefined, body: () => Promise.resolve(bytes) };
  }
  if (typeof data === 'object' && data !== null && typeof (data as { file?: unknown }).file === 'string') {
    const file = (data as { file: string }).file;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new ApiArgumentError(where, 'data.file', `must be a readable file: ${file}`);
    const inline = info.size < DATA_INLINE_MAX ? await readFile(file) : undefined;
    return { size: info.size, inline, body: () => Promise.resolve(inline ?? createReadStream(file, { highWaterMark: 1 << 20 })) };
  }
  if (typeof data === 'object' && data !== null && typeof (data as { stream?: unknown }).stream === 'function') {
    const { stream, contentLength } = data as { stream: () => Readable | Promise<Readable>; contentLength: unknown };
    if (!(Number.isSafeInteger(contentLength) && (contentLength as number) >= 0)) {
      throw new ApiArgumentError(where, 'data.contentLength', 'must be the stream\'s length in bytes (a non-negative integer)');
    }
    return { size: contentLength as number, inline: undefined, body: async () => stream() };
  }
  throw new ApiArgumentError(where, 'data', 'must be a string, a Buffer, {file} or {stream: () => Readable, contentLength}');
}

function dateText(value: unknown, where: string): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new ApiArgumentError(where, 'expires', 'must be a Date or an ISO 8601 date-time');
  return date.toJSON();
}
