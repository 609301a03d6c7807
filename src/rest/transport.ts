import type { Dispatcher, Pool } from 'undici';
import { loadPool } from './lazy-modules.js';
import { NetworkError, networkErrorOf } from './network-error.js';

export interface HttpRequest {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

// One keep-alive pool per origin, shared by every client (all services of a
// deployment live behind one origin). Idle sockets do not keep the process alive.
const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (pool === undefined) {
    pool = new (loadPool())(origin);
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every pooled connection (for a clean shutdown; later requests open new ones). */
export async function closeConnections(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.close());
  pools.clear();
  await Promise.all(closing);
}

/**
 * One attempt: sends the request and collects the whole response, or fails with
 * NetworkError. `timeout` bounds the attempt from dispatch to the last byte.
 */
export function sendRequest(origin: string, request: HttpRequest, timeout: number): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const collector = new ResponseCollector(resolve, reject, timeout);
    poolFor(origin).dispatch(
      { origin, method: request.method, path: request.path, headers: request.headers, body: request.body ?? null },
      collector,
    );
  });
}

/**
 * A low-level undici handler: it buffers the body without the stream machinery
 * of `request()`, which is most of the client's per-request cost.
 */
class ResponseCollector implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private readonly timer: NodeJS.Timeout;
  private statusCode = 0;
  private contentType: string | undefined;
  private chunks: Buffer[] = [];
  private settled = false;

  constructor(
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: NetworkError) => void,
    private readonly timeout: number,
  ) {
    this.timer = setTimeout(() => this.onTimeout(), timeout);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.chunks = []; // undici may start a request again after a pipelining failure
    if (this.settled) controller.abort(this.timeoutError());
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx informational
    this.statusCode = statusCode;
    const type = headers['content-type'];
    this.contentType = Array.isArray(type) ? type[0] : type;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.resolve({ statusCode: this.statusCode, contentType: this.contentType, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(networkErrorOf(error));
  }

  private onTimeout(): void {
    if (this.settled) return;
    this.settled = true;
    const error = this.timeoutError();
    this.controller?.abort(error);
    this.reject(error);
  }

  private timeoutError(): NetworkError {
    return new NetworkError('ECONNABORTED', `no complete response within ${this.timeout} ms`);
  }
}
