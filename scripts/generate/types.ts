import { compile } from 'json-schema-to-typescript';
import type { ProjectReferences } from './load-project-references.js';
import { Dereferencer } from './dereference.js';
import { generatedHeader } from './generated-header.js';
import { schemaTypeName } from './naming.js';
import { referenceSchemaPath } from '../../src/references/schema-ids.js';

/** Canonical paths of every schema a service's references name directly. */
export function serviceSchemaPaths(refs: ProjectReferences, service: string): string[] {
  const paths = new Set<string>();
  for (const entry of refs.exchanges.find((r) => r.serviceName === service)?.entries ?? []) {
    paths.add(referenceSchemaPath(service, entry.schema));
  }
  for (const entry of refs.apis.find((r) => r.serviceName === service)?.entries ?? []) {
    if (entry.input) paths.add(referenceSchemaPath(service, entry.input));
    if (entry.output) paths.add(referenceSchemaPath(service, entry.output));
  }
  return [...paths].sort();
}

/**
 * TypeScript types for one service's schemas, by json-schema-to-typescript. Each
 * schema a reference names becomes an exported type named after its file
 * (`task-completed-message.json` → `TaskCompletedMessage`); `Schemas` maps those
 * names to the types.
 */
export async function generateServiceTypes(refs: ProjectReferences, service: string): Promise<string> {
  const dereferencer = new Dereferencer(refs.schemas);
  const paths = serviceSchemaPaths(refs, service);
  const properties: Record<string, unknown> = {};
  for (const path of paths) properties[schemaTypeName(path)] = dereferencer.document(path);
  const root = { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
  const source = await compile(root as never, 'Schemas', {
    bannerComment: '',
    unknownAny: true,
    strictIndexSignatures: true,
    format: true,
    style: { printWidth: 120 },
  });
  for (const name of Object.keys(properties)) {
    if (!new RegExp(`^export (interface|type) ${name}\\b`, 'm').test(source)) {
      throw new Error(`${service}: the generated types have no ${name}; a definition title collides with it`);
    }
  }
  return generatedHeader(`schemas/${service}/`) + source;
}
