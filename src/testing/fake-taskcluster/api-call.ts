import type { Authentication } from './hawk-authentication.js';

/** One API call the fake received, after authentication. */
export interface ApiCall {
  /** `queue.task`: service and method name as in the API reference. */
  readonly api: string;
  readonly service: string;
  readonly method: string;
  /** Route arguments by name, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The JSON body, or undefined. */
  readonly body: unknown;
  readonly auth: Authentication;
  /** The fake's root URL, for answers that point back at it (artifact URLs). */
  readonly rootUrl: string;
}

/** What the fake answers to a call. */
export interface FakeAnswer {
  readonly status: number;
  /** Sent as JSON; omitted for an empty body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Fakes one service's calls; undefined for methods it does not fake. */
export type ServiceFake = (call: ApiCall) => FakeAnswer | undefined;

/** A call as recorded by the fake, with the status it answered. */
export interface RecordedCall extends ApiCall {
  readonly status: number;
}

/** An error answer in the shape Taskcluster services use: `{code, message, requestInfo}`. */
export function errorAnswer(call: ApiCall, status: number, code: string, message: string): FakeAnswer {
  return {
    status,
    body: {
      code,
      message,
      requestInfo: { method: call.method, params: call.params, payload: call.body ?? {}, time: new Date().toJSON() },
    },
  };
}
