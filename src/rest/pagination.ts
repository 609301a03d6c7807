import { ApiArgumentError } from './api-argument-error.js';
import type { ParsedCall } from './call-arguments.js';
import type { CompiledEntry } from './compiled-entry.js';

/**
 * Pages of a list call: the call, then again with each answer's
 * `continuationToken`, until an answer has none or an empty one.
 */
export async function* paginate(call: ParsedCall, fetchPage: (call: ParsedCall) => Promise<unknown>): AsyncIterableIterator<unknown> {
  let query = call.query;
  for (;;) {
    const page = await fetchPage({ ...call, query });
    yield page;
    const token = (page as { continuationToken?: unknown } | undefined)?.continuationToken;
    if (typeof token !== 'string' || token === '') return;
    query = { ...query, continuationToken: token };
  }
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
