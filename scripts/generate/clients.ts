import type { ApiEntry, ApiReference, ScopeExpression } from '../../src/references/types.js';
import { referenceSchemaPath } from '../../src/references/schema-ids.js';
import { TaskclusterClient } from '../../src/rest/client.js';
import { Dereferencer } from './dereference.js';
import { generatedHeader } from './generated-header.js';
import { identifier, propertyKey } from './identifiers.js';
import type { ProjectReferences } from './load-project-references.js';
import { pascalCase, schemaTypeName } from './naming.js';

// `Object` would shadow the global in users' modules.
const CLASS_NAMES: Readonly<Record<string, string>> = { object: 'ObjectService' };

/** The client class name of a service: `queue` → `Queue`, `object` → `ObjectService`. */
export function clientClassName(service: string): string {
  return CLASS_NAMES[service] ?? pascalCase(service);
}

/** `clients/<service>.ts` for every API reference, and the `clients.ts` barrel. */
export function generateClientFiles(refs: ProjectReferences): Map<string, string> {
  const files = new Map<string, string>();
  const dereferencer = new Dereferencer(refs.schemas);
  const services = refs.apis.map((r) => r.serviceName).sort();
  for (const ref of refs.apis) files.set(`clients/${ref.serviceName}.ts`, generateClientModule(ref, dereferencer));
  files.set(
    'clients.ts',
    generatedHeader('the list of services') +
      services.map((s) => `export { ${clientClassName(s)} } from './clients/${s}.js';`).join('\n') +
      '\n',
  );
  return files;
}

/**
 * One service's client class: the facts a call needs (a compact copy of the
 * reference's function entries) and one typed method per entry, each a keyword
 * overload and a positional overload.
 */
function generateClientModule(reference: ApiReference, dereferencer: Dereferencer): string {
  const service = reference.serviceName;
  const className = clientClassName(service);
  const entries = reference.entries.filter((e) => e.type === 'function');
  const typeOf = (schemaId: string | undefined) =>
    schemaId === undefined ? 'unknown' : `Types.${schemaTypeName(referenceSchemaPath(service, schemaId))}`;
  const out: string[] = [
    generatedHeader(`apis/${service}.json and schemas/${service}/`),
    "import type { Query, RouteArg } from '../../rest/call-arguments.js';",
    "import { TaskclusterClient } from '../../rest/client.js';",
    "import type { ClientOptions } from '../../rest/options.js';",
    "import type { ServiceSpec } from '../../rest/service-spec.js';",
    `import type * as Types from '../types/${service}.js';`,
    '',
    `const service: ServiceSpec = {`,
    `  serviceName: ${JSON.stringify(service)},`,
    `  apiVersion: ${JSON.stringify(reference.apiVersion)},`,
    '  entries: [',
  ];
  for (const entry of entries) {
    if (entry.name in TaskclusterClient.prototype) {
      throw new Error(`${service}.${entry.name}: the name collides with a TaskclusterClient member`);
    }
    const spec: Record<string, unknown> = { name: entry.name, method: entry.method, route: entry.route, args: entry.args, query: entry.query };
    if (entry.input !== undefined) spec.input = entry.input;
    if (entry.output !== undefined) spec.output = entry.output;
    const items = itemsProperty(service, entry, dereferencer);
    if (items !== undefined) spec.items = items;
    out.push(`    ${JSON.stringify(spec)},`);
  }
  out.push(
    '  ],',
    '};',
    '',
    '/**',
    ` * The ${service} service, \`<rootUrl>/api/${service}/${reference.apiVersion}\`: one method per API entry.`,
    ' * Each takes its route arguments in order, then the payload if it has one, then',
    ' * an optional query object; or one keyword object `{<route args>, payload, query}`.',
    ' */',
    `export class ${className} extends TaskclusterClient {`,
    `  static readonly serviceName = ${JSON.stringify(service)};`,
    `  static readonly apiVersion = ${JSON.stringify(reference.apiVersion)};`,
    '',
    '  constructor(options: ClientOptions) {',
    '    super(service, options);',
    '  }',
    '',
    '  static {',
    '    this.defineApiMethods(service);',
    '  }',
    '}',
    '',
    // The methods exist at run time through defineApiMethods (one generic
    // function per entry, which keeps the module small to load); their types
    // are declared here, merged into the class.
    `export interface ${className} {`,
  );
  entries.forEach((entry, index) => {
    const output = typeOf(entry.output);
    const query = entry.query.length > 0 ? `Query<${entry.query.map((q) => JSON.stringify(q)).join(' | ')}>` : undefined;
    const positional = [
      ...entry.args.map((a) => `${identifier(a)}: RouteArg`),
      ...(entry.input !== undefined ? [`payload: ${typeOf(entry.input)}`] : []),
      ...(query ? [`query?: ${query}`] : []),
    ];
    const keywords = [
      ...entry.args.map((a) => `readonly ${propertyKey(a)}: RouteArg`),
      ...(entry.input !== undefined ? [`readonly payload: ${typeOf(entry.input)}`] : []),
      ...(query ? [`readonly query?: ${query}`] : []),
    ];
    if (index > 0) out.push('');
    out.push(...methodDoc(entry, typeOf));
    if (keywords.length > 0) out.push(`  ${entry.name}(keywords: { ${keywords.join('; ')} }): Promise<${output}>;`);
    out.push(`  ${entry.name}(${positional.join(', ')}): Promise<${output}>;`);
  });
  out.push('}', '');
  return out.join('\n');
}

function methodDoc(entry: ApiEntry, typeOf: (id: string | undefined) => string): string[] {
  const lines = [`\`${entry.method.toUpperCase()} ${entry.route}\` (${entry.stability}${entry.category ? `, ${entry.category}` : ''}).`];
  if (entry.scopes !== undefined) lines.push(`Scopes: \`${scopeText(entry.scopes)}\`.`);
  if (entry.input !== undefined) lines.push(`Payload: {@link ${typeOf(entry.input)}} (\`${entry.input}\`).`);
  if (entry.output !== undefined) lines.push(`Answer: {@link ${typeOf(entry.output)}} (\`${entry.output}\`).`);
  if (entry.query.includes('continuationToken')) lines.push('Paginated: iterate with `client.pages(...)` or `client.items(...)`.');
  return ['  /**', ...lines.map((l) => `   * ${l.replace(/\*\//g, '*\\/')}`), '   */'];
}

function scopeText(scopes: ScopeExpression): string {
  return typeof scopes === 'string' ? scopes : JSON.stringify(scopes);
}

/** For a list method: the one array property of its answer, which `items()` walks. */
function itemsProperty(service: string, entry: ApiEntry, dereferencer: Dereferencer): string | undefined {
  if (!entry.query.includes('continuationToken') || entry.output === undefined) return undefined;
  const schema = dereferencer.document(referenceSchemaPath(service, entry.output));
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const arrays = Object.keys(properties).filter((key) => properties[key]?.type === 'array');
  if (arrays.length !== 1) throw new Error(`${service}.${entry.name}: expected one array property in its answer, found ${arrays.join(', ') || 'none'}`);
  return arrays[0];
}
