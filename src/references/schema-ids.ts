/**
 * Schema ids in Taskcluster references are relative: an exchange's `schema` is
 * relative to `/schemas/<serviceName>/`, and a `$ref` inside a schema is relative
 * to that schema's `$id`. These helpers turn both into one canonical form, the
 * absolute path without fragment (`/schemas/queue/v1/task-status.json`).
 */

// Any origin works: only the path part of the resolved URL is used.
const ORIGIN = 'https://schemas.invalid';

/** Resolves `ref` against `base` (an absolute-path id) and splits off the fragment. */
export function resolveSchemaRef(base: string, ref: string): { path: string; fragment: string } {
  const url = new URL(ref, ORIGIN + base);
  if (url.origin !== ORIGIN) {
    return { path: url.href.replace(/#.*$/, ''), fragment: url.hash.replace(/^#/, '') };
  }
  return { path: url.pathname, fragment: decodeURIComponent(url.hash.replace(/^#/, '')) };
}

/** The canonical path of the schema a reference entry names (`schema`, `input`, `output`). */
export function referenceSchemaPath(serviceName: string, schemaId: string): string {
  return resolveSchemaRef(`/schemas/${serviceName}/`, schemaId).path;
}

/** The canonical path of a schema document, from its `$id`. */
export function schemaPath(id: string): string {
  return resolveSchemaRef('/', id).path;
}

/** True for `$ref`s that leave the deployment (e.g. the JSON-schema metaschema). */
export function isExternalRef(path: string): boolean {
  return !path.startsWith('/');
}
