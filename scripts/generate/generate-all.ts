import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateApiReferenceModule } from './apis.js';
import { generateClientFiles } from './clients.js';
import { generateExchangeModule } from './exchanges.js';
import { generatedHeader } from './generated-header.js';
import { loadProjectReferences } from './load-project-references.js';
import { pascalCase } from './naming.js';
import { generateServiceTypes } from './types.js';

/**
 * Writes every generated module into `outDir` (normally src/generated/) from the
 * reference files under `fromDir` (exchanges/, apis/, schemas/). Returns the
 * number of files written. Deterministic: same input, same bytes.
 */
export async function generateAll(fromDir: string, outDir: string): Promise<number> {
  const refs = await loadProjectReferences(fromDir);
  const files = new Map<string, string>();
  const services = [...new Set([...refs.exchanges, ...refs.apis].map((r) => r.serviceName))].sort();
  for (const service of services) files.set(`types/${service}.ts`, await generateServiceTypes(refs, service));
  for (const ref of refs.exchanges) files.set(`exchanges/${ref.serviceName}.ts`, generateExchangeModule(ref));
  for (const ref of refs.apis) files.set(`apis/${ref.serviceName}.ts`, generateApiReferenceModule(ref));
  const barrel = (names: string[], line: (service: string) => string) =>
    generatedHeader('the list of services') + [...names].sort().map(line).join('\n') + '\n';
  files.set('exchanges.ts', barrel(refs.exchanges.map((r) => r.serviceName), (s) => `export * from './exchanges/${s}.js';`));
  files.set('apis.ts', barrel(refs.apis.map((r) => r.serviceName), (s) => `export * from './apis/${s}.js';`));
  files.set('types.ts', barrel(services, (s) => `export type * as ${pascalCase(s)}Types from './types/${s}.js';`));
  for (const [file, content] of generateClientFiles(refs)) files.set(file, content);

  await rm(outDir, { recursive: true, force: true });
  for (const [file, content] of files) {
    await mkdir(dirname(join(outDir, file)), { recursive: true });
    await writeFile(join(outDir, file), content);
  }
  return files.size;
}
