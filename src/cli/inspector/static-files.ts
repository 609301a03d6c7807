import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The page's files (HTML, JS modules, CSS), read once; next to this module in src/ and, copied by the build, in dist/. */
export function loadPageFiles(directory = fileURLToPath(new URL('./page/', import.meta.url))): ReadonlyMap<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(directory)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) files.set(name, { body: readFileSync(`${directory}/${name}`), contentType });
  }
  if (!files.has('index.html')) throw new Error(`the inspector's page is missing from ${directory} (index.html)`);
  return files;
}
