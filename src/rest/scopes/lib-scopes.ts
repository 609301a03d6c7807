import { createRequire } from 'node:module';

/** The parts of taskcluster-lib-scopes (Taskcluster's own scope library, CommonJS, untyped) used here. */
export interface LibScopes {
  validScope(scope: unknown): boolean;
  validExpression(expression: unknown): boolean;
  satisfiesExpression(scopes: readonly string[], expression: unknown): boolean;
  scopeIntersection(a: readonly string[], b: readonly string[]): string[];
}

const require = createRequire(import.meta.url);
let library: LibScopes | undefined;

/** Loaded on first use: most bots never check scopes. */
export function libScopes(): LibScopes {
  return (library ??= require('taskcluster-lib-scopes') as LibScopes);
}
