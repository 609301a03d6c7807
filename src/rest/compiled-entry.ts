import type { EntrySpec, ServiceSpec } from './service-spec.js';

/** One API method, prepared once so a call does no parsing of the reference. */
export interface CompiledEntry {
  readonly spec: EntrySpec;
  /** `queue.task`, for messages. */
  readonly fullName: string;
  /** `GET`, `POST`, ... */
  readonly httpMethod: string;
  /** The route as literal pieces and route-argument indexes: `/task/<taskId>` → `['/task/', 0]`. */
  readonly routeParts: readonly (string | number)[];
  readonly hasInput: boolean;
  readonly queryKeys: ReadonlySet<string>;
  /** Route args, then the payload when there is one: what a positional call must pass. */
  readonly positionalCount: number;
  /** Keys a keyword-form object may have. */
  readonly keywordKeys: ReadonlySet<string>;
  readonly paginated: boolean;
}

export function compileEntry(service: ServiceSpec, spec: EntrySpec): CompiledEntry {
  const routeParts: (string | number)[] = [];
  let last = 0;
  for (const match of spec.route.matchAll(/<([^<>]+)>/g)) {
    const index = spec.args.indexOf(match[1]!);
    if (index === -1) continue; // not an argument: the text stays, as in the official clients
    routeParts.push(spec.route.slice(last, match.index), index);
    last = match.index + match[0].length;
  }
  routeParts.push(spec.route.slice(last));
  const hasInput = spec.input !== undefined;
  const keywordKeys = new Set(spec.args);
  if (hasInput) keywordKeys.add('payload');
  if (spec.query.length > 0) keywordKeys.add('query');
  return {
    spec,
    fullName: `${service.serviceName}.${spec.name}`,
    httpMethod: spec.method.toUpperCase(),
    routeParts: routeParts.filter((part) => part !== ''),
    hasInput,
    queryKeys: new Set(spec.query),
    positionalCount: spec.args.length + (hasInput ? 1 : 0),
    keywordKeys,
    paginated: spec.query.includes('continuationToken'),
  };
}
