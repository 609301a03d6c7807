import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExchangeReference } from '../../src/references/types.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The committed exchange references, read as a user would load one at run time. */
export function loadExchangeReferences(): ExchangeReference[] {
  const dir = join(REPO, 'exchanges');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ExchangeReference);
}
