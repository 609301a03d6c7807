import type { ExchangeReference } from '../../src/references/types.js';
import { referenceSchemaPath } from '../../src/references/schema-ids.js';
import { generatedHeader, literal } from './generated-header.js';
import { identifier, propertyKey } from './identifiers.js';
import { camelCase, pascalCase, schemaTypeName } from './naming.js';

/**
 * One service's exchange module: the reference as a typed constant, per-exchange
 * routing-key and message types, and the `<Service>Events` binding class.
 */
export function generateExchangeModule(reference: ExchangeReference): string {
  const service = reference.serviceName;
  const Service = pascalCase(service);
  const constName = `${camelCase(service)}ExchangeReference`;
  const out: string[] = [generatedHeader(`exchanges/${service}.json`)];
  out.push(
    "import type { EventsOptions } from '../../bindings/create-events.js';",
    "import { ExchangeBindings } from '../../bindings/exchange-bindings.js';",
    "import type { Binding, RawRoutingKeyPattern, RoutingKeyValue } from '../../bindings/types.js';",
    "import type { ExchangeReference } from '../../references/types.js';",
    `import type * as Types from '../types/${service}.js';`,
    '',
    `/** The ${service} exchange reference (facts only). */`,
    `export const ${constName} = ${literal(reference)} as const satisfies ExchangeReference;`,
    '',
  );

  const block = (doc: string, name: string, members: (e: ExchangeReference['entries'][number]) => string) => {
    out.push(`/** ${doc} */`, `export interface ${name} {`);
    for (const entry of reference.entries) out.push(`  ${propertyKey(entry.name)}: ${members(entry)};`);
    out.push('}', '');
  };
  block('Message payload of each exchange, from its schema.', `${Service}Messages`, (e) =>
    `Types.${schemaTypeName(referenceSchemaPath(service, e.schema))}`,
  );
  block('Routing-key fields of each exchange, as a received message carries them.', `${Service}RoutingKeys`, (e) =>
    `{ ${e.routingKey
      .map((k) => `readonly ${propertyKey(k.name)}: ${k.constant !== undefined ? JSON.stringify(k.constant) : 'string'}`)
      .join('; ')} }`,
  );
  block('Routing-key fields each exchange can be filtered on.', `${Service}RoutingKeyFilters`, (e) => {
    const fields = e.routingKey.filter((k) => k.constant === undefined);
    return fields.length === 0 ? 'Record<never, never>' : `{ ${fields.map((k) => `readonly ${propertyKey(k.name)}?: RoutingKeyValue`).join('; ')} }`;
  });

  out.push(
    `/** Bindings for the ${service} exchanges: each method returns {exchange, routingKeyPattern, ...} to listen on. */`,
    `export class ${Service}Events extends ExchangeBindings {`,
    `  static readonly reference = ${constName};`,
    '',
    '  constructor(options: EventsOptions = {}) {',
    `    super(${constName}, options);`,
    '  }',
  );
  for (const entry of reference.entries) {
    const result = `Binding<${Service}Messages[${JSON.stringify(entry.name)}], ${Service}RoutingKeys[${JSON.stringify(entry.name)}]>`;
    const layout = entry.routingKey
      .map((k) => k.constant ?? `<${k.name}${k.multipleWords ? '…' : ''}>`)
      .join('.');
    const positional = entry.routingKey
      .filter((k) => k.constant === undefined)
      .map((k) => `${identifier(k.name)}?: RoutingKeyValue`)
      .join(', ');
    out.push(
      '',
      '  /**',
      `   * Exchange \`${reference.exchangePrefix}${entry.exchange}\`; routing key \`${layout}\`.`,
      `   * Payload: {@link Types.${schemaTypeName(referenceSchemaPath(service, entry.schema))}}.`,
      '   */',
      `  ${entry.name}(filter?: ${Service}RoutingKeyFilters[${JSON.stringify(entry.name)}]): ${result};`,
      `  ${entry.name}(pattern: RawRoutingKeyPattern): ${result};`,
      `  ${entry.name}(${positional}): ${result};`,
      `  ${entry.name}(...args: unknown[]): ${result} {`,
      `    return this.bind(${JSON.stringify(entry.name)}, args);`,
      '  }',
    );
  }
  out.push('}', '');
  return out.join('\n');
}
