/**
 * The object service of the fake deployment, answering as
 * services/object/src/api.js does: `createUpload` (methods `dataInline` and
 * `putUrl`, the latter to the fake storage), `finishUpload` (the hashes given
 * are checked against the bytes received, algorithm by algorithm),
 * `startDownload` (`getUrl`, preferred, or `simple`), `object` (metadata)
 * and `download` (303 to the bytes). Tests add objects with `addObject`.
 */
import { createHash } from 'node:crypto';
import { errorAnswer, type ApiCall, type FakeAnswer } from './api-call.js';
import type { FakeStorage } from './fake-storage.js';

/** Download methods the fake knows, in the service's order of preference. */
export type FakeDownloadMethod = 'getUrl' | 'simple';

export interface FakeObjectInput {
  readonly content: string | Uint8Array;
  /** Default `application/octet-stream`. */
  readonly contentType?: string;
  /** Default `fake-project`. */
  readonly projectId?: string;
  /** Default: a day from now. */
  readonly expires?: Date | string;
  /**
   * The hashes the service records. Default: sha256 and sha512 of `content`;
   * give others (or `{}`) to make a download's verification fail.
   */
  readonly hashes?: Readonly<Record<string, string>>;
  /** What the object's backend offers. Default both. */
  readonly downloadMethods?: readonly FakeDownloadMethod[];
}

/** An object as the fake keeps it. */
export interface FakeObject {
  readonly name: string;
  readonly projectId: string;
  readonly expires: string;
  readonly contentType: string;
  /** Recorded hashes by algorithm. */
  readonly hashes: Readonly<Record<string, string>>;
  /** The bytes; undefined until an upload delivered them. */
  readonly content: Buffer | undefined;
  /** Set until finishUpload. */
  readonly uploadId: string | undefined;
  readonly downloadMethods: readonly FakeDownloadMethod[];
}

type StoredObject = { -readonly [K in keyof FakeObject]: FakeObject[K] };

const DAY_MS = 24 * 60 * 60 * 1000;
const URL_LIFETIME_MS = 60 * 60 * 1000;
const METHODS: readonly FakeDownloadMethod[] = ['getUrl', 'simple'];

export class FakeObjectService {
  private readonly objects = new Map<string, StoredObject>();

  constructor(private readonly storage: FakeStorage) {}

  /** Stores a finished object, as if uploaded. */
  addObject(name: string, input: FakeObjectInput): void {
    const where = 'FakeObjectService.addObject';
    if (typeof name !== 'string' || !/^[\x20-\x7e]+$/.test(name)) throw new TypeError(`${where}: name must be printable ASCII, at least one character`);
    if (typeof input !== 'object' || input === null) throw new TypeError(`${where}: input must be {content, contentType?, projectId?, expires?, hashes?, downloadMethods?}`);
    if (typeof input.content !== 'string' && !(input.content instanceof Uint8Array)) throw new TypeError(`${where}: content must be a string or a Buffer`);
    const methods = input.downloadMethods ?? METHODS;
    if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => METHODS.includes(m))) {
      throw new TypeError(`${where}: downloadMethods must be a non-empty list of getUrl, simple`);
    }
    const expires = new Date(input.expires ?? Date.now() + DAY_MS);
    if (Number.isNaN(expires.getTime())) throw new TypeError(`${where}: expires must be a Date or an ISO 8601 date-time`);
    const content = Buffer.from(input.content);
    const contentType = input.contentType ?? 'application/octet-stream';
    this.objects.set(name, {
      name,
      projectId: input.projectId ?? 'fake-project',
      expires: expires.toJSON(),
      contentType,
      hashes: { ...(input.hashes ?? hashesOf(content)) },
      content,
      uploadId: undefined,
      downloadMethods: methods,
    });
    this.storage.put(storageKey(name), content, contentType);
  }

  /**
   * Starts (or continues) an upload of `name` by `uploadId`, as a
   * `createUpload` without methods does (the queue locks in object artifacts
   * so). Undefined when the object exists under another uploadId.
   */
  reserve(name: string, projectId: string, uploadId: string, expires: string): boolean {
    const object = this.objects.get(name);
    if (object) return object.uploadId === uploadId;
    this.objects.set(name, { name, projectId, expires, contentType: 'application/octet-stream', hashes: {}, content: undefined, uploadId, downloadMethods: METHODS });
    return true;
  }

  /** A copy of the object named `name`, finished or not. */
  getObject(name: string): FakeObject | undefined {
    const object = this.objects.get(name);
    return object && { ...object, hashes: { ...object.hashes } };
  }

  /** Answers an object API call; undefined for methods not faked. */
  readonly answer = (call: ApiCall): FakeAnswer | undefined => this.handlers[call.method]?.(call);

  private readonly handlers: Readonly<Record<string, (call: ApiCall) => FakeAnswer>> = {
    ping: () => ({ status: 200, body: { alive: true, uptime: process.uptime() } }),
    createUpload: (call) => this.createUpload(call),
    finishUpload: (call) => this.finishUpload(call),
    startDownload: (call) => this.withFinished(call, (object) => this.startDownload(call, object)),
    object: (call) => this.withFinished(call, (object) => ({ status: 200, body: { projectId: object.projectId, expires: object.expires, hashes: object.hashes } })),
    download: (call) =>
      this.withFinished(call, (object) => {
        const url = this.storage.url(storageKey(object.name));
        return { status: 303, headers: { location: url }, body: { url } };
      }),
  };

  private createUpload(call: ApiCall): FakeAnswer {
    const name = call.params.name!;
    const body = call.body as {
      projectId: string;
      uploadId: string;
      expires: string;
      hashes?: Record<string, string>;
      proposedUploadMethods: { dataInline?: { contentType: string; objectData: string }; putUrl?: { contentType: string; contentLength: number } };
    };
    if (!this.reserve(name, body.projectId, body.uploadId, body.expires)) return errorAnswer(call, 409, 'RequestConflict', 'Object already exists');
    const object = this.objects.get(name)!;
    for (const [algorithm, hash] of Object.entries(body.hashes ?? {})) {
      if (object.hashes[algorithm] !== undefined && object.hashes[algorithm] !== hash) {
        return errorAnswer(call, 409, 'RequestConflict', 'Content hash already exists with a different value');
      }
      object.hashes = { ...object.hashes, [algorithm]: hash };
    }
    const reply = { projectId: body.projectId, uploadId: body.uploadId, expires: body.expires };
    const { dataInline, putUrl } = body.proposedUploadMethods;
    const stored = object;
    if (dataInline) {
      stored.contentType = dataInline.contentType;
      stored.content = Buffer.from(dataInline.objectData, 'base64');
      return { status: 200, body: { ...reply, uploadMethod: { dataInline: true } } };
    }
    if (putUrl) {
      stored.contentType = putUrl.contentType;
      const url = this.storage.expectUpload(storageKey(name), {
        contentType: putUrl.contentType,
        contentLength: putUrl.contentLength,
        onUpload: (data) => (stored.content = data),
      });
      const headers = { 'Content-Type': putUrl.contentType, 'Content-Length': String(putUrl.contentLength) };
      return { status: 200, body: { ...reply, uploadMethod: { putUrl: { url, headers, expires: new Date(Date.now() + URL_LIFETIME_MS).toJSON() } } } };
    }
    return { status: 200, body: { ...reply, uploadMethod: {} } };
  }

  private finishUpload(call: ApiCall): FakeAnswer {
    const name = call.params.name!;
    const { projectId, uploadId, hashes = {} } = call.body as { projectId: string; uploadId: string; hashes?: Record<string, string> };
    const object = this.objects.get(name);
    if (!object) return errorAnswer(call, 404, 'ResourceNotFound', `Object "${name}" not found`);
    if (object.projectId !== projectId) return errorAnswer(call, 400, 'InputError', `Object "${name}" does not have projectId ${projectId}`);
    if (object.uploadId === undefined) return { status: 200, body: {} }; // idempotent once finished
    if (object.uploadId !== uploadId) return errorAnswer(call, 409, 'RequestConflict', `Object "${name}" does not have uploadId ${uploadId}`);
    if (object.content === undefined) return errorAnswer(call, 400, 'InputError', `Object "${name}": no data was uploaded`);
    // The fake checks what a real backend cannot: every hash given is that of the bytes received.
    const actual = hashesOf(object.content);
    for (const [algorithm, hash] of Object.entries({ ...object.hashes, ...hashes })) {
      if (algorithm in actual && actual[algorithm as keyof typeof actual] !== hash) {
        return errorAnswer(call, 400, 'InputError', `Object "${name}": the ${algorithm} given is not that of the bytes uploaded`);
      }
    }
    object.hashes = { ...object.hashes, ...hashes };
    object.uploadId = undefined;
    this.storage.put(storageKey(name), object.content, object.contentType);
    return { status: 200, body: {} };
  }

  private startDownload(call: ApiCall, object: StoredObject): FakeAnswer {
    const accepted = Object.keys((call.body as { acceptDownloadMethods?: object } | undefined)?.acceptDownloadMethods ?? {});
    const method = METHODS.find((m) => object.downloadMethods.includes(m) && accepted.includes(m));
    if (!method) return errorAnswer(call, 406, 'NoMatchingMethod', `Object supports methods ${object.downloadMethods.join(', ')}`);
    const url = this.storage.url(storageKey(object.name));
    if (method === 'simple') return { status: 200, body: { method, url } };
    return { status: 200, body: { method, url, hashes: object.hashes, expires: new Date(Date.now() + URL_LIFETIME_MS).toJSON() } };
  }

  private withFinished(call: ApiCall, answer: (object: StoredObject) => FakeAnswer): FakeAnswer {
    const object = this.objects.get(call.params.name!);
    if (!object || object.uploadId !== undefined) return errorAnswer(call, 404, 'ResourceNotFound', `Object "${call.params.name}" not found`);
    return answer(object);
  }
}

/** Where an object's bytes live in the fake storage. */
export function storageKey(name: string): string {
  return `objects/${name}`;
}

function hashesOf(content: Buffer): { sha256: string; sha512: string } {
  return { sha256: createHash('sha256').update(content).digest('hex'), sha512: createHash('sha512').update(content).digest('hex') };
}
