import { ApiArgumentError } from './api-argument-error.js';
import type { CompiledEntry } from './compiled-entry.js';
import { encodeUrlComponent, unencodableReason } from './url-encoding.js';

/** A route argument: substituted into the path, URL-encoded (every character but `A-Z a-z 0-9 - . _ ~`). */
export type RouteArg = string | number;
/** A query-string value; `undefined` leaves the key out. */
export type QueryValue = string | number | boolean | undefined;
/** The query object of a method taking query keys `K`. */
export type Query<K extends string> = { readonly [P in K]?: QueryValue };

/** A call, validated and brought to one shape, whichever form it was made in. */
export interface ParsedCall {
  readonly routeArgs: readonly RouteArg[];
  readonly payload: unknown;
  readonly query: Readonly<Record<string, QueryValue>> | undefined;
}

/**
 * Reads a call in either form: positional (route args in order, the payload if
 * the method takes one, then an optional query object) or keyword (one object
 * with the route args by name, `payload`, `query`). Throws ApiArgumentError.
 *
 * One plain object is the keyword form when the method has route args (which
 * are never objects); otherwise only when its keys are `payload`/`query` and it
 * has the one the method needs, so a payload or query object passed
 * positionally is never mistaken for keywords.
 */
export function parseCall(entry: CompiledEntry, args: readonly unknown[]): ParsedCall {
  if (args.length === 1 && isKeywordForm(entry, args[0])) return parseKeywords(entry, args[0] as Record<string, unknown>);
  return parsePositional(entry, args);
}

function isKeywordForm(entry: CompiledEntry, value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  if (entry.spec.args.length > 0) return true;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => entry.keywordKeys.has(key))) return false;
  return entry.hasInput ? keys.includes('payload') : !entry.queryKeys.has('query');
}

function parsePositional(entry: CompiledEntry, args: readonly unknown[]): ParsedCall {
  const argNames = entry.spec.args;
  const count = args.length;
  if (count !== entry.positionalCount && !(entry.queryKeys.size > 0 && count === entry.positionalCount + 1)) {
    if (argNames.length > 0 && isPlainObject(args[0])) {
      throw fail(entry, undefined, 'pass either positional arguments or one keyword object, not both');
    }
    throw fail(entry, undefined, `expects ${signature(entry)}; got ${count} argument${count === 1 ? '' : 's'}`);
  }
  const routeArgs: RouteArg[] = [];
  for (let i = 0; i < argNames.length; i++) routeArgs.push(checkRouteArg(entry, argNames[i]!, args[i]));
  let payload: unknown;
  if (entry.hasInput) {
    payload = args[argNames.length];
    if (payload === undefined) throw fail(entry, 'payload', `is missing; expects ${signature(entry)}`);
  }
  return { routeArgs, payload, query: checkQuery(entry, args[entry.positionalCount]) };
}

function parseKeywords(entry: CompiledEntry, keywords: Record<string, unknown>): ParsedCall {
  for (const key of Object.keys(keywords)) {
    if (!entry.keywordKeys.has(key)) {
      throw fail(entry, key, `is not an argument of this method; it takes ${signature(entry)}`);
    }
  }
  const routeArgs = entry.spec.args.map((name) => checkRouteArg(entry, name, keywords[name]));
  const payload = keywords.payload;
  if (entry.hasInput && payload === undefined) throw fail(entry, 'payload', `is missing; expects ${signature(entry)}`);
  return { routeArgs, payload, query: checkQuery(entry, keywords.query) };
}

function checkRouteArg(entry: CompiledEntry, name: string, value: unknown): RouteArg {
  if (typeof value === 'string') {
    if (value === '') throw fail(entry, name, 'must not be empty');
    // URL parsers (browsers, fetch) resolve such a segment as a step up the path, even percent-encoded.
    if (value === '.' || value === '..') throw fail(entry, name, `must not be "${value}", which URLs take for a path step`);
    const unencodable = unencodableReason(value);
    if (unencodable !== undefined) throw fail(entry, name, unencodable);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw fail(entry, name, `must be a finite number, got ${value}`);
    return value;
  }
  throw fail(entry, name, value === undefined ? 'is missing' : `must be a string or number, got ${describe(value)}`);
}

/** Validates a query object; `undefined` values are dropped later, when the URL is built. */
export function checkQuery(entry: CompiledEntry, query: unknown): ParsedCall['query'] {
  if (query === undefined) return undefined;
  if (!isPlainObject(query)) throw fail(entry, 'query', `must be an object of query parameters, got ${describe(query)}`);
  for (const [key, value] of Object.entries(query)) {
    if (!entry.queryKeys.has(key)) {
      const allowed = entry.spec.query.length > 0 ? `it takes ${entry.spec.query.join(', ')}` : 'it takes none';
      throw fail(entry, `query.${key}`, `is not a query parameter of this method; ${allowed}`);
    }
    const type = typeof value;
    if (value !== undefined && type !== 'string' && type !== 'boolean' && !(type === 'number' && Number.isFinite(value))) {
      throw fail(entry, `query.${key}`, `must be a string, finite number or boolean, got ${describe(value)}`);
    }
    const unencodable = typeof value === 'string' ? unencodableReason(value) : undefined;
    if (unencodable !== undefined) throw fail(entry, `query.${key}`, unencodable);
  }
  return query as ParsedCall['query'];
}

/** The route path of a parsed call, arguments URL-encoded (`/` becomes `%2F`, `'` becomes `%27`). */
export function buildPath(entry: CompiledEntry, routeArgs: readonly RouteArg[]): string {
  let path = '';
  for (const part of entry.routeParts) path += typeof part === 'string' ? part : encodeUrlComponent(String(routeArgs[part]!));
  return path;
}

/** `?a=1&b=2`, or `''` when there is nothing to send. */
export function queryString(query: ParsedCall['query']): string {
  let out = '';
  if (query === undefined) return out;
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    out += (out === '' ? '?' : '&') + encodeUrlComponent(key) + '=' + encodeUrlComponent(String(value));
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `(taskId, payload[, query]) or ({taskId, payload, query})`, for messages. */
function signature(entry: CompiledEntry): string {
  const positional = [...entry.spec.args, ...(entry.hasInput ? ['payload'] : [])];
  const query = entry.queryKeys.size > 0;
  const form = `(${positional.join(', ')}${query ? (positional.length > 0 ? '[, query]' : '[query]') : ''})`;
  return entry.keywordKeys.size > 0 ? `${form} or ({${[...entry.keywordKeys].join(', ')}})` : form;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

function fail(entry: CompiledEntry, field: string | undefined, rule: string): ApiArgumentError {
  return new ApiArgumentError(entry.fullName, field, rule);
}
