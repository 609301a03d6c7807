import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonSchemaDocument } from '../references/types.js';

/** Finds a schema document by its canonical path (`/schemas/queue/v1/task.json`), or says it has none. */
export type SchemaSource = (path: string) => JsonSchemaDocument | undefined;

/**
 * The package root: two levels above this module, both as TypeScript source
 * (`src/schemas/`, run through tsx) and as built JavaScript (`dist/schemas/`).
 */
const PACKAGE_ROOT = new URL('../../', import.meta.url);

/**
 * The schemas shipped with this package (`<package>/schemas/<service>/v1/*.json`),
 * whose file paths are their ids. Read on demand, so only the schemas a
 * publisher or a validating listener needs are ever loaded.
 */
export function packageSchemas(): SchemaSource {
  return (path) => {
    if (!/^\/schemas\/[\w.-]+\/[\w./-]+\.json$/.test(path) || path.includes('..')) return undefined;
    const file = fileURLToPath(new URL(`.${path}`, PACKAGE_ROOT));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    return JSON.parse(text) as JsonSchemaDocument;
  };
}

/** Schemas from a map keyed by canonical path, e.g. `ReferenceSet.schemas` from `fetchReferences()`. */
export function schemaMap(schemas: ReadonlyMap<string, JsonSchemaDocument>): SchemaSource {
  return (path) => schemas.get(path);
}
