import { redactText } from './redaction.js';
import type { HttpResponse } from './transport.js';

/** What an error response said, secrets removed. */
export interface ErrorAnswer {
  readonly code: string;
  readonly reason: string;
  readonly body: unknown;
}

/**
 * The value of a successful response: parsed JSON; `undefined` when it is empty
 * or not JSON (as the official client answers: Taskcluster APIs speak JSON, and
 * a text or HTML page is no value of the method's type).
 */
export function successValue(response: HttpResponse): unknown {
  if (response.body.length === 0 || !isJson(response.contentType)) return undefined;
  return JSON.parse(response.body.toString('utf8'));
}

/**
 * Reads an error response (`{code, message}` from Taskcluster services),
 * secrets redacted (see redactText; `secrets` are exact values to remove too):
 * a misbehaving server or proxy echoing the Authorization header must not put
 * it into error messages or logs.
 */
export function errorAnswer(response: HttpResponse, secrets: readonly string[]): ErrorAnswer {
  const text = redactText(response.body.toString('utf8'), secrets);
  let body: unknown = text === '' ? undefined : text;
  if (text !== '' && (isJson(response.contentType) || /^\s*[{[]/.test(text))) {
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
  }
  const fields = typeof body === 'object' && body !== null ? (body as { code?: unknown; message?: unknown }) : {};
  const code = typeof fields.code === 'string' ? fields.code : 'UnknownError';
  const reason = typeof fields.message === 'string' ? fields.message : defaultReason(response.statusCode);
  return { code, reason: truncate(reason), body };
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);
}

function defaultReason(statusCode: number): string {
  if (statusCode === 401) return 'Authentication Error';
  if (statusCode >= 500) return 'Internal Server Error';
  if (statusCode >= 300 && statusCode < 400) return 'Unexpected Redirect';
  return `HTTP ${statusCode}`;
}

const MAX_REASON = 2000;
function truncate(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}
