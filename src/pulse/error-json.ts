/**
 * The JSON form of the client's errors, for structured logs: `JSON.stringify`
 * of an `Error` gives only its own enumerable fields (no message), and throws
 * on the circular ones (a channel). Secrets never get in: causes are
 * summarised, and credentials in URLs and Hawk headers are masked.
 */

import { redactSignatures, withheldIfUnscannable } from '../rest/redaction.js';
import { maskUrlUserInfo } from '../rest/url-user-info.js';

/** A cause, summarised: an error's name, message and code (and its own cause), or a non-error's text. */
export type CauseJson = { readonly name: string; readonly message: string; readonly code?: string | number; readonly cause?: CauseJson } | string;

/** What an error's `toJSON()` gives: name and message, the fields of its class, and a summary of its cause. */
export interface PulseErrorJson {
  readonly name: string;
  readonly message: string;
  readonly cause?: CauseJson;
  readonly [field: string]: unknown;
}

/**
 * The base of Pulse's errors: `toJSON()` gives the name and message, the
 * fields of the class (`jsonFields()`), and the cause summarised.
 */
export abstract class PulseError extends Error {
  toJSON(): PulseErrorJson {
    return errorJson(this, this.jsonFields());
  }

  /** The fields of the class, as its JSON shows them. */
  protected jsonFields(): Readonly<Record<string, unknown>> {
    return {};
  }
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
 * Masks credentials in free text: a URL's password, keeping its user name
 * (`amqps://user:***@host`, raw or URL-encoded: see url-user-info.ts), Hawk
 * headers and MACs, bewits and other secret query parameters and JSON fields,
 * in any encoding. Errors from other libraries and from handlers (a cause)
 * may quote them.
 */
export function redactCredentials(text: string): string {
  return withheldIfUnscannable(text, () => redactSignatures(maskUrlUserInfo(text, { mask: '***', keepUserName: true })));
}

/** A cause's message as an error message quotes it, credentials masked. */
export function causeText(cause: unknown): string {
  return redactCredentials(String((cause as Error | undefined)?.message ?? cause));
}

/**
 * Masks credentials in an error that came from a handler, in place (message
 * and stack, down its causes), before it reaches an outcome, an `error`
 * event or a log. Its identity and class stay: handlers' callers still test
 * `instanceof`. A value that is not an error is masked as text.
 */
export function redactInPlace<T>(thrown: T, depth = 0): T {
  if (typeof thrown === 'string') return redactCredentials(thrown) as T;
  if (!(thrown instanceof Error) || depth >= MAX_CAUSE_DEPTH) return thrown;
  try {
    const message = redactCredentials(thrown.message);
    if (message !== thrown.message) thrown.message = message;
    if (typeof thrown.stack === 'string') {
      const stack = redactCredentials(thrown.stack);
      if (stack !== thrown.stack) thrown.stack = stack;
    }
    if (thrown.cause !== undefined) {
      const cause = redactInPlace(thrown.cause, depth + 1);
      if (cause !== thrown.cause) thrown.cause = cause;
    }
  } catch {
    // A frozen error keeps its text: nothing else can be done with it.
  }
  return thrown;
}
