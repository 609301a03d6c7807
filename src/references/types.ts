/**
 * Shapes of the Taskcluster reference documents this library reads, as the
 * `exchanges-reference-v0` and `api-reference-v0` schemas define them. Only the
 * facts are modelled; prose fields (description, title, summary) may be present
 * in a live deployment's documents and are ignored.
 */

export interface RoutingKeyEntry {
  readonly name: string;
  readonly required: boolean;
  readonly multipleWords: boolean;
  readonly constant?: string;
}

export interface ExchangeEntry {
  readonly type: 'topic-exchange';
  /** Method name, e.g. `taskCompleted`. */
  readonly name: string;
  /** Exchange name relative to the reference's `exchangePrefix`, e.g. `task-completed`. */
  readonly exchange: string;
  readonly routingKey: readonly RoutingKeyEntry[];
  /** Message schema id, relative to `<rootUrl>/schemas/<serviceName>/`. */
  readonly schema: string;
}

export interface ExchangeReference {
  readonly $schema?: string;
  readonly serviceName: string;
  readonly apiVersion: string;
  readonly exchangePrefix: string;
  readonly entries: readonly ExchangeEntry[];
}

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'head';

/** A scope expression as API references carry it: a scope, or AllOf/AnyOf/if-then/for-each nests. */
export type ScopeExpression =
  | string
  | { readonly AllOf: readonly ScopeExpression[] }
  | { readonly AnyOf: readonly ScopeExpression[] }
  | { readonly if: string; readonly then: ScopeExpression; readonly else?: ScopeExpression }
  | { readonly for: string; readonly in: string; readonly each: string };

export interface ApiEntry {
  readonly type: 'function';
  readonly name: string;
  readonly method: HttpMethod;
  /** Route with `<arg>` placeholders, e.g. `/task/<taskId>`. */
  readonly route: string;
  /** Route parameters, in the order positional calls take them. */
  readonly args: readonly string[];
  /** Query-string keys the endpoint accepts. */
  readonly query: readonly string[];
  readonly input?: string;
  readonly output?: string;
  readonly scopes?: ScopeExpression;
  readonly stability: string;
  readonly category?: string;
}

export interface ApiReference {
  readonly $schema?: string;
  readonly serviceName: string;
  readonly apiVersion: string;
  readonly entries: readonly ApiEntry[];
}

/** A JSON schema document as stored by this project (prose removed). */
export interface JsonSchemaDocument {
  readonly $id: string;
  readonly [keyword: string]: unknown;
}

/** Everything one deployment describes: its references and the schemas they point to. */
export interface ReferenceSet {
  readonly exchanges: readonly ExchangeReference[];
  readonly apis: readonly ApiReference[];
  /** Schemas keyed by absolute id path, e.g. `/schemas/queue/v1/task.json`. */
  readonly schemas: ReadonlyMap<string, JsonSchemaDocument>;
}
