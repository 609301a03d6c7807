/**
 * `npm run generate [-- --from DIR] [--out DIR]`: writes src/generated/ from the
 * project's reference files (exchanges/, apis/, schemas/, as written by
 * `npm run references`, which also runs this). Never edit the output by hand.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO } from '../repo.js';
import { generateAll } from './generate-all.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, out: { type: 'string' } }, strict: true });
  const outDir = resolve(values.out ?? join(REPO, 'src/generated'));
  const count = await generateAll(resolve(values.from ?? REPO), outDir);
  console.log(`wrote ${count} files under ${outDir}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
