/**
 * The JSON form of the client's errors, for structured logs: `JSON.stringify`
 * of an `Error` gives only its own enumerable fields (no message), and throws
 * on the circular ones (a channel). Secrets never get in: causes are
 * summarised, and credentials in URLs and Hawk headers are masked.
 */

/** A cause, summarised: an error's name, message and code (and its own cause), or a non-error's text. */
export type CauseJson = { readonly name: string; readonly message: string; readonly code?: string | number; readonly cause?: CauseJson } | string;

/** What an error's `toJSON()` gives: name and message, the fields of its class, and a summary of its cause. */
export interface PulseErrorJson {
  readonly name: string;
  readonly message: string;
  readonly cause?: CauseJson;
  readonly [field: string]: unknown;
}

/** Causes nested deeper than this are left out. */
const MAX_CAUSE_DEPTH = 3;
const MAX_TEXT = 1_000;

/** `error` as JSON: its name, message, then `fields`, then its cause summarised. */
export function errorJson(error: Error, fields: Readonly<Record<string, unknown>> = {}): PulseErrorJson {
  const cause = error.cause === undefined ? undefined : causeJson(error.cause, 1);
  return { name: error.name, message: redactCredentials(error.message), ...fields, ...(cause === undefined ? {} : { cause }) };
}

function causeJson(cause: unknown, depth: number): CauseJson {
  if (!(cause instanceof Error)) return redactCredentials(String(cause)).slice(0, MAX_TEXT);
  const code = (cause as { code?: unknown }).code;
  const inner = cause.cause !== undefined && depth < MAX_CAUSE_DEPTH ? causeJson(cause.cause, depth + 1) : undefined;
  return {
    name: cause.name,
    message: redactCredentials(cause.message).slice(0, MAX_TEXT),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(inner === undefined ? {} : { cause: inner }),
  };
}

/**
 * Masks credentials in free text: a URL's password (`amqps://user:***@host`),
 * a Hawk `bewit` and a Hawk header's `mac`. Errors from other libraries
 * (a handler's, as a cause) may quote them.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)[^\s/?#]*@/gi, '$1***@')
    .replace(/\b(bewit=)[^&\s"';,#]+/gi, '$1***')
    .replace(/\b(mac=")[^"]*"/gi, '$1***"');
}
