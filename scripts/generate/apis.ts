import type { ApiReference } from '../../src/references/types.js';
import { generatedHeader, literal } from './generated-header.js';
import { camelCase } from './naming.js';

/** One service's API reference as a typed constant (facts only). */
export function generateApiReferenceModule(reference: ApiReference): string {
  const service = reference.serviceName;
  return [
    generatedHeader(`apis/${service}.json`),
    "import type { ApiReference } from '../../references/types.js';",
    '',
    `/** The ${service} API reference (facts only). */`,
    `export const ${camelCase(service)}ApiReference = ${literal(reference)} as const satisfies ApiReference;`,
    '',
  ].join('\n');
}
