/**
 * Serves `/references/` and `/schemas/` from the files shipped with this
 * package, as a live deployment serves them, so `fetchReferences(rootUrl)` and
 * `fetchClients` work against the fake.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sendJson, type VerifiedRequest } from './hawk-server.js';

/** Three levels up, both as source (`src/testing/fake-taskcluster/`) and built (`dist/testing/fake-taskcluster/`). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function readJson(relativePath: string): unknown {
  const file = PACKAGE_ROOT + relativePath;
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

function manifest(): { references: string[] } {
  const references = readdirSync(PACKAGE_ROOT + 'apis')
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const service = file.slice(0, -'.json'.length);
      const urls = [`/references/${service}/v1/api.json`];
      if (existsSync(`${PACKAGE_ROOT}exchanges/${file}`)) urls.push(`/references/${service}/v1/exchanges.json`);
      return urls;
    });
  return { references };
}

/** Answers the request if it asks for a reference or schema; false otherwise. */
export function serveReferenceFiles(request: VerifiedRequest, response: ServerResponse): boolean {
  const path = request.path;
  if (request.method !== 'GET') return false;
  if (path === '/references/manifest.json') {
    sendJson(response, 200, manifest());
    return true;
  }
  let document: unknown;
  const reference = /^\/references\/([\w-]+)\/v1\/(api|exchanges)\.json$/.exec(path);
  if (reference) {
    document = readJson(`${reference[2] === 'api' ? 'apis' : 'exchanges'}/${reference[1]}.json`);
  } else if (/^\/schemas\/[\w-]+\/[\w./-]+\.json$/.test(path) && !path.includes('..')) {
    document = readJson(path.slice(1));
  } else {
    return false;
  }
  if (document === undefined) sendJson(response, 404, { code: 'ResourceNotFound', message: `${path} does not exist` });
  else sendJson(response, 200, document);
  return true;
}
