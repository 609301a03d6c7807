import { extname } from 'node:path';

// What an upload is labelled when --content-type is not given: the UI shows
// text/plain *.log files in its log viewer, and browsers open the rest by type.
const BY_EXTENSION: Readonly<Record<string, string>> = {
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.xml': 'application/xml',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/** The content type for `file` by its extension; `application/octet-stream` when unknown. */
export function contentTypeOf(file: string): string {
  return BY_EXTENSION[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
