/**
 * Finds which API method a request calls (`GET /api/queue/v1/task/abc` is
 * queue.task with taskId "abc"), from the API references generated into this
 * package, so the fake routes exactly as the references say.
 */
import * as apiReferences from '../../generated/apis.js';
import type { ApiEntry, ApiReference } from '../../references/types.js';

/** A request matched to an API method. */
export interface ApiRoute {
  readonly reference: ApiReference;
  readonly entry: ApiEntry;
  /** Route arguments by name, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

interface CompiledRoute {
  readonly reference: ApiReference;
  readonly entry: ApiEntry;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/**
 * `/task/<taskId>/artifacts/<name>` → a regex over the path after
 * `/api/<service>/<version>`. Arguments are one path segment (clients
 * percent-encode `/`), except a final `<name>`: artifact names may also be
 * sent with literal slashes, as Taskcluster's routes accept.
 */
function compile(reference: ApiReference, entry: ApiEntry): CompiledRoute {
  const names: string[] = [];
  const source = entry.route
    .split(/(<[^>]+>)/)
    .map((part, index, parts) => {
      const param = /^<([^>]+)>$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return param[1] === 'name' && index === parts.length - 2 ? '(.+)' : '([^/]+)';
    })
    .join('');
  const prefix = `/api/${reference.serviceName}/${reference.apiVersion}`;
  return { reference, entry, names, pattern: new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}${source}$`) };
}

let routes: readonly CompiledRoute[] | undefined;

/** Every API method's route, compiled when the first request arrives (not on import of the package). */
function compiledRoutes(): readonly CompiledRoute[] {
  return (routes ??= Object.entries(apiReferences)
    .filter(([name]) => name.endsWith('ApiReference'))
    .flatMap(([, value]) => (value as ApiReference).entries.map((entry) => compile(value as ApiReference, entry)))
    // Single-segment arguments first, so `/task/abc/status` is queue.status, never an artifact named "status".
    .sort((a, b) => Number(a.pattern.source.includes('(.+)')) - Number(b.pattern.source.includes('(.+)'))));
}

/** The API method `method path` calls, or undefined when no reference has it. */
export function matchApiRoute(method: string, path: string): ApiRoute | undefined {
  for (const route of compiledRoutes()) {
    if (route.entry.method.toUpperCase() !== method.toUpperCase()) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    } catch {
      continue; // malformed percent-encoding: not this route
    }
    return { reference: route.reference, entry: route.entry, params };
  }
  return undefined;
}

/** True if `api` (`service.method`) is a method of the package's API references. */
export function isApiMethod(api: string): boolean {
  return compiledRoutes().some((route) => `${route.reference.serviceName}.${route.entry.name}` === api);
}
