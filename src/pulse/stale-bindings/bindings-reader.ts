import { causeText, PulseError } from '../error-json.js';
import type { BindingsSource } from './options.js';

/** One binding as the RabbitMQ management API lists it (the shape a `bindingsUrl` answers too). */
export interface QueueBindingRow {
  /** The exchange; `""` is the default exchange, whose binding every queue has. */
  readonly source: string;
  readonly routing_key: string;
  readonly destination?: string;
  readonly destination_type?: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** Every HTTP call gets this long, headers and body included. */
export const BINDINGS_READ_TIMEOUT_MS = 10_000;

/**
 * Listing a queue's bindings failed: unreachable, refused, timed out or an
 * answer that is not a list of bindings. Says where and why, never the password.
 */
export class StaleBindingsError extends PulseError {
  override readonly name = 'StaleBindingsError';
  constructor(
    readonly queue: string,
    /** The URL asked, without credentials. */
    readonly url: string,
    reason: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`could not list the bindings of ${queue} from ${url}: ${reason}; its stale bindings stay`, options);
  }

  protected override jsonFields(): Readonly<Record<string, unknown>> {
    return { queue: this.queue, url: this.url, ...(this.status === undefined ? {} : { status: this.status }) };
  }
}

/** Where the listing is: the management API's per-queue bindings, or the deployment's URL with `{queue}`/`{vhost}` filled in. */
export function bindingsUrlFor(source: { readonly kind: BindingsSource['kind']; readonly url: string }, vhost: string, queue: string): string {
  if (source.kind === 'management') return `${source.url}/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}/bindings`;
  const fill = (text: string, name: string, value: string) => text.split(`{${name}}`).join(value).split(`%7B${name}%7D`).join(value);
  return fill(fill(source.url, 'queue', encodeURIComponent(queue)), 'vhost', encodeURIComponent(vhost));
}

/**
 * GETs the queue's bindings within `timeoutMs` (or until `signal` aborts).
 * Credentials go in a Basic authorization header, never in the URL, and no
 * error quotes them. undici loads here, on first use.
 */
export async function readQueueBindings(
  url: string,
  queue: string,
  credentials: { readonly username: string | undefined; readonly password: string | undefined },
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<QueueBindingRow[]> {
  const timeoutMs = options.timeoutMs ?? BINDINGS_READ_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
  }
  const hide = (text: string) => (credentials.password ? text.split(credentials.password).join('***') : text);
  const fail = (reason: string, status?: number, cause?: unknown) =>
    new StaleBindingsError(queue, url, hide(reason), status, cause === undefined ? undefined : { cause: new Error(hide(causeText(cause))) });
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  let status: number;
  let text: string;
  try {
    const { request } = await import('undici');
    const response = await request(url, { method: 'GET', headers, signal: AbortSignal.any(signals), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || (error as { code?: unknown }).code === 'UND_ERR_HEADERS_TIMEOUT';
    throw fail(timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${(error as { code?: unknown }).code ?? (error as Error).name})`, undefined, error);
  }
  if (status === 401 || status === 403) throw fail(`credentials refused (HTTP ${status}${credentials.username === undefined ? ', none given' : ` for user "${credentials.username}"`})`, status);
  if (status === 404) throw fail('not found (HTTP 404): no such queue or vhost, or not a management API', status);
  if (status < 200 || status > 299) throw fail(`HTTP ${status}`, status);
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw fail(`the answer is not JSON (${text.length} characters)`, status);
  }
  if (!Array.isArray(rows) || !rows.every(isBindingRow)) {
    throw fail('the answer is not a JSON array of {source, routing_key, destination?, destination_type?, arguments?}', status);
  }
  return rows;
}

function isBindingRow(row: unknown): row is QueueBindingRow {
  const r = row as Partial<Record<keyof QueueBindingRow, unknown>> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.source === 'string' &&
    typeof r.routing_key === 'string' &&
    (r.destination === undefined || typeof r.destination === 'string') &&
    (r.destination_type === undefined || typeof r.destination_type === 'string') &&
    (r.arguments === undefined || (typeof r.arguments === 'object' && r.arguments !== null && !Array.isArray(r.arguments)))
  );
}
