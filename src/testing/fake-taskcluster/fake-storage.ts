/**
 * The fake deployment's blob storage: a plain HTTP server on its own port
 * (another origin, as S3 is), serving what the fake queue and object service
 * store, taking uploads at the URLs they hand out, answering `Range`
 * requests, and misbehaving on request: a 5xx, a body cut short, wrong bytes,
 * a slow answer.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A misbehaviour for the next requests of a blob (`times`, default 1). */
export interface StorageFault {
  /** Answer this status (e.g. 503) instead of the content. */
  readonly status?: number;
  /** Send this many bytes of the body (announcing all of it), then cut the connection. */
  readonly truncateAfter?: number;
  /** Serve other bytes of the same length (a hash mismatch for objects). */
  readonly corrupt?: boolean;
  /** Wait this many milliseconds before answering. */
  readonly delayMs?: number;
  /** How many requests it applies to. Default 1; `Infinity` for all. */
  readonly times?: number;
}

/** One request the storage received. */
export interface StorageRequest {
  readonly method: string;
  readonly key: string;
  readonly range: string | undefined;
  readonly status: number;
}

interface Blob {
  data: Buffer;
  contentType: string;
  contentEncoding: string | undefined;
}

interface PendingUpload {
  readonly contentType: string;
  readonly contentLength: number;
  readonly onUpload: (data: Buffer) => void;
}

export class FakeStorage {
  private readonly blobs = new Map<string, Blob>();
  private readonly uploads = new Map<string, PendingUpload>();
  private readonly faults: { match: string; fault: StorageFault; left: number }[] = [];
  private server: Server | undefined;
  private origin: string | undefined;
  /** Every request, in arrival order, with the status it got (0 for a cut connection). */
  readonly requests: StorageRequest[] = [];

  /** Starts the server on 127.0.0.1 (a free port). */
  async start(): Promise<void> {
    const server = createServer((request, response) => {
      this.serve(request, response).catch(() => response.destroy());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  /** Keeps `data` under `key`; returns its URL. */
  put(key: string, data: Buffer, contentType: string, contentEncoding?: string): string {
    this.blobs.set(key, { data, contentType, contentEncoding });
    return this.url(key);
  }

  /** The bytes under `key`, if any. */
  get(key: string): Buffer | undefined {
    return this.blobs.get(key)?.data;
  }

  /** The URL of `key` (the server must be started). */
  url(key: string): string {
    if (this.origin === undefined) throw new TypeError('fake storage: not started (startFakeTaskcluster starts it)');
    return `${this.origin}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** A URL that takes one PUT of `contentLength` bytes for `key`, then calls `onUpload` with them. */
  expectUpload(key: string, upload: PendingUpload): string {
    this.uploads.set(key, upload);
    return this.url(key);
  }

  /**
   * Makes the next `fault.times` requests for blobs whose key is `match` or
   * ends with `/<match>` (an artifact or object name) misbehave.
   */
  injectFault(match: string, fault: StorageFault): void {
    if (typeof match !== 'string' || match === '') throw new TypeError('injectFault: match must be a non-empty string (a name or key)');
    if (typeof fault !== 'object' || fault === null) throw new TypeError('injectFault: fault must be {status?, truncateAfter?, corrupt?, delayMs?, times?}');
    const times = fault.times ?? 1;
    if (!(times >= 1)) throw new TypeError('injectFault: fault.times must be at least 1');
    if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
      throw new TypeError('injectFault: fault.status must be an HTTP error status (400-599)');
    }
    this.faults.push({ match, fault, left: times });
  }

  private takeFault(key: string): StorageFault | undefined {
    const index = this.faults.findIndex(({ match }) => key === match || key.endsWith(`/${match}`));
    if (index < 0) return undefined;
    const entry = this.faults[index]!;
    if (--entry.left <= 0) this.faults.splice(index, 1);
    return entry.fault;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://storage.invalid');
    const key = url.pathname.slice(1).split('/').map(decodeURIComponent).join('/');
    const record = (status: number) =>
      this.requests.push({ method: request.method ?? 'GET', key, range: request.headers.range, status });
    if (request.method === 'PUT') return this.receive(key, request, response, record);
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'method not allowed', record);
    const blob = this.blobs.get(key);
    if (!blob) return answer(response, 404, 'no such blob', record);
    const fault = this.takeFault(key);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status !== undefined) return answer(response, fault.status, 'injected fault', record);
    let data = blob.data;
    if (fault?.corrupt) data = Buffer.from(data.map((byte) => byte ^ 0xff));
    const headers: Record<string, string | number> = { 'content-type': blob.contentType, 'accept-ranges': 'bytes' };
    if (blob.contentEncoding) headers['content-encoding'] = blob.contentEncoding;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range && Number(range[1]) < data.length) {
      const start = Number(range[1]);
      headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
      data = data.subarray(start);
      status = 206;
    }
    headers['content-length'] = data.length;
    response.writeHead(status, headers);
    if (request.method === 'HEAD') return void response.end(), void record(status);
    if (fault?.truncateAfter !== undefined) {
      record(0);
      response.write(data.subarray(0, fault.truncateAfter), () => response.destroy());
      return;
    }
    record(status);
    response.end(data);
  }

  private async receive(key: string, request: IncomingMessage, response: ServerResponse, record: (status: number) => void): Promise<void> {
    const upload = this.uploads.get(key);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!upload) return answer(response, 403, 'no upload expected at this URL', record);
    const fault = this.takeFault(key);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status !== undefined) return answer(response, fault.status, 'injected fault', record);
    const data = Buffer.concat(chunks);
    if (request.headers['content-type'] !== upload.contentType) return answer(response, 400, `content-type must be ${upload.contentType}`, record);
    if (data.length !== upload.contentLength) return answer(response, 400, `expected ${upload.contentLength} bytes, got ${data.length}`, record);
    upload.onUpload(data);
    answer(response, 200, '', record);
  }
}

function answer(response: ServerResponse, status: number, text: string, record: (status: number) => void): void {
  record(status);
  response.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
