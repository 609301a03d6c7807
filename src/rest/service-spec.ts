import type { ApiEntry, ApiReference } from '../references/types.js';

/**
 * What a client needs at run time about one API method: the facts of a
 * reference entry (an `ApiEntry` is one), plus, for list methods of generated
 * clients, which response property holds the items.
 */
export interface EntrySpec extends Pick<ApiEntry, 'name' | 'method' | 'route' | 'args' | 'query' | 'input' | 'output'> {
  /** For methods taking `continuationToken`: the array property of a page. */
  readonly items?: string;
}

/** One service, as a client sees it. An `ApiReference` is one. */
export interface ServiceSpec {
  readonly serviceName: string;
  readonly apiVersion: string;
  readonly entries: readonly EntrySpec[];
}

/** The function entries of a reference (references may list other kinds). */
export function serviceSpecOf(reference: ApiReference): ServiceSpec {
  return { ...reference, entries: reference.entries.filter((e) => e.type === 'function') };
}
