/**
 * `npm run generate`: writes src/generated/ from the project's reference files
 * (exchanges/, apis/, schemas/, as written by `npm run references`). Output is
 * deterministic; never edit it by hand.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiReferenceModule } from './apis.js';
import { generateExchangeModule } from './exchanges.js';
import { loadProjectReferences } from './load-project-references.js';
import { generateServiceTypes } from './types.js';
import { generatedHeader } from './generated-header.js';
import { pascalCase } from './naming.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(REPO, 'src/generated');

async function main(): Promise<void> {
  const refs = await loadProjectReferences(REPO);
  const files = new Map<string, string>();
  const services = [...new Set([...refs.exchanges, ...refs.apis].map((r) => r.serviceName))].sort();
  for (const service of services) files.set(`types/${service}.ts`, await generateServiceTypes(refs, service));
  for (const ref of refs.exchanges) files.set(`exchanges/${ref.serviceName}.ts`, generateExchangeModule(ref));
  for (const ref of refs.apis) files.set(`apis/${ref.serviceName}.ts`, generateApiReferenceModule(ref));
  files.set('exchanges.ts', generateBarrel(refs.exchanges.map((r) => r.serviceName), (s) => `export * from './exchanges/${s}.js';`));
  files.set('apis.ts', generateBarrel(refs.apis.map((r) => r.serviceName), (s) => `export * from './apis/${s}.js';`));
  files.set(
    'types.ts',
    generateBarrel(services, (s) => `export type * as ${pascalCase(s)}Types from './types/${s}.js';`),
  );

  await rm(OUT, { recursive: true, force: true });
  for (const [file, content] of files) {
    await mkdir(dirname(join(OUT, file)), { recursive: true });
    await writeFile(join(OUT, file), content);
  }
  console.log(`wrote ${files.size} files under src/generated/`);
}

function generateBarrel(services: string[], line: (service: string) => string): string {
  return generatedHeader('the list of services') + [...services].sort().map(line).join('\n') + '\n';
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
