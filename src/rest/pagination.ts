import { ApiArgumentError } from './api-argument-error.js';
import type { ParsedCall } from './call-arguments.js';
import type { CompiledEntry } from './compiled-entry.js';

/** Says why an answer cannot be right, or `undefined` when it can. */
export type AnswerCheck = (answer: unknown) => string | undefined;

/**
 * Pages of a list call: the call, then again with each answer's
 * `continuationToken`, until an answer has none or an empty one. An answer
 * whose token was already followed (a server repeating itself) fails the page
 * through `check`, so the loop ends instead of asking for the same pages forever.
 */
export async function* paginate(
  call: ParsedCall,
  fetchPage: (call: ParsedCall, check: AnswerCheck) => Promise<unknown>,
): AsyncIterableIterator<unknown> {
  let query = call.query;
  const followed = new Set<string>();
  if (isToken(query?.continuationToken)) followed.add(query.continuationToken);
  const check: AnswerCheck = (page) => {
    const token = tokenOf(page);
    if (!isToken(token) || !followed.has(token)) return undefined;
    const shown = token.length > 60 ? `${token.slice(0, 60)}…` : token;
    return `the answer repeats continuationToken ${JSON.stringify(shown)}, already followed; stopping rather than fetching the same pages forever`;
  };
  for (;;) {
    const page = await fetchPage({ ...call, query }, check);
    yield page;
    const token = tokenOf(page);
    if (!isToken(token)) return;
    followed.add(token);
    query = { ...query, continuationToken: token };
  }
}

function tokenOf(page: unknown): unknown {
  return (page as { continuationToken?: unknown } | undefined)?.continuationToken;
}

function isToken(token: unknown): token is string {
  return typeof token === 'string' && token !== '';
}

/** The items of each page: the array property the generator recorded, or the page's only array. */
export async function* pageItems(entry: CompiledEntry, pages: AsyncIterable<unknown>): AsyncIterableIterator<unknown> {
  for await (const page of pages) {
    const key = entry.spec.items ?? onlyArrayProperty(entry, page);
    const items = (page as Record<string, unknown>)[key];
    if (items === undefined) continue;
    if (!Array.isArray(items)) throw new ApiArgumentError(entry.fullName, key, 'items() expected an array in every page');
    yield* items;
  }
}

function onlyArrayProperty(entry: CompiledEntry, page: unknown): string {
  const keys = typeof page === 'object' && page !== null ? Object.keys(page).filter((k) => Array.isArray((page as Record<string, unknown>)[k])) : [];
  if (keys.length !== 1) {
    const found = keys.length === 0 ? 'none' : keys.join(', ');
    throw new ApiArgumentError(entry.fullName, undefined, `items() needs exactly one array property in a page (found ${found}); use pages()`);
  }
  return keys[0]!;
}
