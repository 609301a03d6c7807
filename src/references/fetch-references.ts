import type { ApiReference, ExchangeReference, JsonSchemaDocument, ReferenceSet } from './types.js';
import { collectSchemas } from './collect-schemas.js';
import { isApiReference, isExchangeReference } from './guards.js';

export interface FetchReferencesOptions {
  /** Only these services (by `serviceName`); all when absent. */
  readonly services?: readonly string[];
  /** Custom fetch, e.g. for tests or a proxy. Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/**
 * Reads every API and exchange reference a live deployment serves, starting from
 * `<rootUrl>/references/manifest.json`, plus every schema those references use.
 */
export async function fetchReferences(rootUrl: string, options: FetchReferencesOptions = {}): Promise<ReferenceSet> {
  const doFetch = options.fetch ?? fetch;
  const root = rootUrl.replace(/\/+$/, '');
  const getJson = async (url: string): Promise<unknown> => {
    const response = await doFetch(url, { headers: { accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(`fetchReferences: GET ${url} answered ${response.status} ${response.statusText}`);
    }
    return response.json();
  };

  const manifest = await getJson(`${root}/references/manifest.json`);
  const urls = (manifest as { references?: unknown }).references;
  if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string')) {
    throw new Error(`fetchReferences: ${root}/references/manifest.json has no "references" array of URLs`);
  }
  const documents = await Promise.all(
    urls.filter((u) => /\/(api|exchanges)\.json$/.test(u)).map((u) => getJson(new URL(u, `${root}/`).href)),
  );
  const wanted = (ref: { serviceName: string }) => !options.services || options.services.includes(ref.serviceName);
  const exchanges: ExchangeReference[] = documents.filter(isExchangeReference).filter(wanted);
  const apis: ApiReference[] = documents.filter(isApiReference).filter(wanted);

  const schemas = await collectSchemas({ exchanges, apis }, async (path) => {
    const schema = (await getJson(`${root}${path}`)) as JsonSchemaDocument;
    return schema;
  });
  return { exchanges, apis, schemas };
}
