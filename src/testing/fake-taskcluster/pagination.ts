/**
 * Pages of a list answer, read and written as Taskcluster's API library does
 * for index-based lists (libraries/api/src/pagination.js): `limit` is digits,
 * at most 1000 (the default); the continuation token is opaque (base64 JSON
 * of the last row's key) and one that does not decode starts from the top.
 */
import { errorAnswer, type ApiCall, type FakeAnswer } from './api-call.js';

const MAX_PAGE = 1000;

/** One page of `rows` (sorted by `keyOf`, ascending), or the 400 answer for a bad `limit`. */
export function pageOf<T>(call: ApiCall, rows: readonly T[], keyOf: (row: T) => string): FakeAnswer | { rows: T[]; continuationToken?: string } {
  const limitText = call.query.get('limit');
  if (limitText !== null && !/^[0-9]+$/.test(limitText)) {
    return errorAnswer(call, 400, 'InvalidRequestArguments', `Query-string parameter: limit="${limitText}" does not match expression: /^[0-9]+$/`);
  }
  const pageSize = Math.min(limitText === null ? MAX_PAGE : Number(limitText), MAX_PAGE);
  // (The real service fails with a 500 on limit=0; a 400 says more.)
  if (pageSize < 1) return errorAnswer(call, 400, 'InvalidRequestArguments', 'Query-string parameter: limit must be at least 1');
  const sorted = [...rows].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const after = decodeToken(call.query.get('continuationToken'));
  const start = after === undefined ? 0 : sorted.findIndex((row) => compare(keyOf(row), after) > 0);
  const page = start < 0 ? [] : sorted.slice(start, start + pageSize);
  const more = start >= 0 && start + pageSize < sorted.length;
  return more ? { rows: page, continuationToken: Buffer.from(JSON.stringify(keyOf(page.at(-1)!))).toString('base64') } : { rows: page };
}

/** True for the error answer of {@link pageOf}. */
export function isAnswer(value: FakeAnswer | { rows: unknown[] }): value is FakeAnswer {
  return 'status' in value;
}

function decodeToken(token: string | null): string | undefined {
  if (!token) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
