/**
 * Scope satisfaction as the Taskcluster services decide it, by
 * taskcluster-lib-scopes (a scope ending in `*` grants every scope it
 * prefixes; `AllOf`/`AnyOf` expressions), with input checked by name first.
 */
import type { ScopeExpression } from '../../references/types.js';
import { libScopes } from './lib-scopes.js';

/** An expression as evaluated: a scope, or AllOf/AnyOf of expressions (no `if`/`for` templates). */
export type EvaluatedScopeExpression = string | { readonly AllOf: readonly EvaluatedScopeExpression[] } | { readonly AnyOf: readonly EvaluatedScopeExpression[] };

/** True if `scopes` satisfy `expression`, e.g. `satisfiesExpression(['queue:get-artifact:*'], {AllOf: ['queue:get-artifact:public/x']})`. */
export function satisfiesExpression(scopes: readonly string[], expression: EvaluatedScopeExpression | ScopeExpression): boolean {
  const library = libScopes();
  checkScopes(scopes, 'satisfiesExpression', 'scopes');
  if (!isExpression(expression)) {
    throw new TypeError('satisfiesExpression (expression): must be a scope string or {AllOf: [...]} / {AnyOf: [...]} of them (fill in if/for templates first)');
  }
  return library.satisfiesExpression(scopes, expression);
}

/**
 * The older form: true if `scopes` satisfy any one of `scopesets`, each a
 * list of scopes all required (`[['a', 'b'], ['c']]` is "a and b, or c").
 */
export function scopeMatch(scopes: readonly string[], scopesets: readonly (readonly string[])[]): boolean {
  checkScopes(scopes, 'scopeMatch', 'scopes');
  if (!Array.isArray(scopesets) || !scopesets.every((set) => Array.isArray(set))) {
    throw new TypeError('scopeMatch (scopesets): must be an array of arrays of scopes');
  }
  scopesets.forEach((set, index) => checkScopes(set, 'scopeMatch', `scopesets[${index}]`));
  return libScopes().satisfiesExpression(scopes, { AnyOf: scopesets.map((set) => ({ AllOf: [...set] })) });
}

function checkScopes(scopes: unknown, where: string, field: string): void {
  if (!Array.isArray(scopes)) throw new TypeError(`${where} (${field}): must be an array of scopes`);
  const bad = scopes.findIndex((scope) => !libScopes().validScope(scope));
  if (bad >= 0) throw new TypeError(`${where} (${field}[${bad}]): must be a scope: printable ASCII (space to ~), got ${JSON.stringify(scopes[bad])}`);
}

function isExpression(expression: unknown): expression is EvaluatedScopeExpression {
  try {
    return libScopes().validExpression(expression);
  } catch {
    return false;
  }
}
