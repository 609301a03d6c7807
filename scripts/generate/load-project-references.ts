import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ApiReference, ExchangeReference, JsonSchemaDocument } from '../../src/references/types.js';

export interface ProjectReferences {
  readonly exchanges: ExchangeReference[];
  readonly apis: ApiReference[];
  /** Keyed by canonical path, e.g. `/schemas/queue/v1/task.json`. */
  readonly schemas: Map<string, JsonSchemaDocument>;
}

/** Reads the files `npm run references` wrote (exchanges/, apis/, schemas/). */
export async function loadProjectReferences(repo: string): Promise<ProjectReferences> {
  const readDir = async <T>(dir: string): Promise<T[]> => {
    const names = (await readdir(join(repo, dir))).filter((n) => n.endsWith('.json')).sort();
    return Promise.all(names.map(async (n) => withoutMark(JSON.parse(await readFile(join(repo, dir, n), 'utf8'))) as T));
  };
  const schemas = new Map<string, JsonSchemaDocument>();
  for (const file of (await readdir(join(repo, 'schemas'), { recursive: true })).sort()) {
    if (!file.endsWith('.json')) continue;
    const schema = withoutMark(JSON.parse(await readFile(join(repo, 'schemas', file), 'utf8'))) as JsonSchemaDocument;
    schemas.set('/' + relative(repo, join(repo, 'schemas', file)).split('\\').join('/'), schema);
  }
  return { exchanges: await readDir('exchanges'), apis: await readDir('apis'), schemas };
}

function withoutMark(doc: Record<string, unknown>): Record<string, unknown> {
  const { $comment: _mark, ...rest } = doc;
  return rest;
}
