/**
 * Types for answering API methods by name (`fake.override('queue.task', …)`):
 * the names come from the API references generated into this package, the
 * body of a successful answer is the method's output type, exactly as the
 * generated REST client returns it.
 */
import type * as apiReferences from '../../generated/apis.js';
import type * as clients from '../../generated/clients.js';
import type { ApiCall } from './api-call.js';

type References = typeof apiReferences;
type FunctionNames<R extends References[keyof References]> = Extract<R['entries'][number], { readonly type: 'function' }>['name'];

/** Every method of the package's API references as `service.method`: `'queue.task'`, `'auth.currentScopes'`, … */
export type ApiMethodName = { [K in keyof References]: `${References[K]['serviceName']}.${FunctionNames<References[K]>}` }[keyof References];

type EntryOf<A extends string> = {
  [K in keyof References]: A extends `${References[K]['serviceName']}.${infer M}` ? Extract<References[K]['entries'][number], { readonly name: M }> : never;
}[keyof References];

/** A call to method `A`: its route arguments by name. */
export type ApiCallOf<A extends ApiMethodName> = Omit<ApiCall, 'params'> & {
  readonly params: Readonly<Record<EntryOf<A> extends { readonly args: readonly (infer N extends string)[] } ? N : never, string>>;
};

type ClientOf<S extends string> = InstanceType<Extract<(typeof clients)[keyof typeof clients], { readonly serviceName: S }>>;

/** What the REST client resolves to for a method: its output schema's type (`unknown` for methods without one). */
export type ApiOutput<A extends ApiMethodName> = A extends `${infer S}.${infer M}`
  ? M extends keyof ClientOf<S>
    ? ClientOf<S>[M] extends (...args: never[]) => Promise<infer R>
      ? R
      : unknown
    : unknown
  : unknown;

type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
type NumberOf<S> = S extends `${infer N extends number}` ? N : never;
/** 200–399: the answer carries the method's output (a 303 of `getArtifact` too). */
export type SuccessStatus = NumberOf<`${2 | 3}${Digit}${Digit}`>;
/** 400–599: the answer carries an error body, `{code, message}` from Taskcluster services. */
export type ErrorStatus = NumberOf<`${4 | 5}${Digit}${Digit}`>;

type Headers = Readonly<Record<string, string>>;

/** An answer to method `A`: its output type on success, anything on an error status. */
export type ApiAnswer<A extends ApiMethodName> =
  | (unknown extends ApiOutput<A>
      ? { readonly status: SuccessStatus; readonly body?: unknown; readonly headers?: Headers }
      : { readonly status: SuccessStatus; readonly body: ApiOutput<A>; readonly headers?: Headers })
  | { readonly status: ErrorStatus; readonly body?: unknown; readonly headers?: Headers };

/** Answers calls to method `A`; undefined leaves the call to the fake. */
export type ApiOverride<A extends ApiMethodName> = (call: ApiCallOf<A>) => ApiAnswer<A> | undefined;
