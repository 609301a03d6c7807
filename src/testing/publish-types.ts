import type { EventsOptions } from '../bindings/create-events.js';
import type { ExchangeBindings } from '../bindings/exchange-bindings.js';
import type { PayloadOf, RoutingKeyValue } from '../bindings/types.js';
import type { ExchangeEntry, ExchangeReference } from '../references/types.js';

/**
 * A generated `<Service>Events` class (e.g. `QueueEvents`): its static
 * `reference` gives the exchanges and their routing keys with literal types,
 * its methods give the payload types.
 */
export interface EventsClass<R extends ExchangeReference = ExchangeReference> {
  readonly reference: R;
  new (options?: EventsOptions): ExchangeBindings;
}

/** What to publish on: an Events class (payloads typed) or an exchange reference (payloads checked at run time only). */
export type ExchangeSource = EventsClass | ExchangeReference;

/** The reference behind a source. */
export type ReferenceOf<S extends ExchangeSource> = S extends EventsClass<infer R> ? R : S extends ExchangeReference ? S : never;

/** Names of the exchanges a source has, e.g. `'taskCompleted' | 'taskFailed' | ...`. */
export type ExchangeNameOf<S extends ExchangeSource> = ReferenceOf<S>['entries'][number]['name'];

/** One exchange entry of a source, by name. */
export type EntryOf<S extends ExchangeSource, K extends string> = Extract<ReferenceOf<S>['entries'][number], { readonly name: K }>;

type FieldEntries<E extends ExchangeEntry> = Exclude<E['routingKey'][number], { readonly constant: string }>;

/**
 * Routing-key fields for publishing: required entries must be given, optional
 * ones may be (a missing one is published as `_`), constants are filled in.
 */
export type PublishFields<E extends ExchangeEntry> = {
  readonly [X in Extract<FieldEntries<E>, { readonly required: true }> as X['name']]: RoutingKeyValue;
} & {
  readonly [X in Exclude<FieldEntries<E>, { readonly required: true }> as X['name']]?: RoutingKeyValue;
};

/** The payload type of an exchange: from the Events class's method, `unknown` for a bare reference. */
export type PublishPayload<S extends ExchangeSource, K extends string> = S extends EventsClass
  ? InstanceType<S> extends { readonly [M in K]: (...args: never[]) => infer B }
    ? PayloadOf<B>
    : unknown
  : unknown;

/** One message to publish. */
export interface PublishInput<Fields, Payload> {
  /** Routing-key fields (numbers become decimal strings). */
  readonly fields: Fields;
  /** The message body, validated against the exchange's schema and sent as JSON. */
  readonly payload: Payload;
  /** Task routes, sent as CC routing keys `route.<route>` as Taskcluster does. */
  readonly routes?: readonly string[];
  /** Publish under another prefix than the reference's (e.g. `exchange/<user>/test/`). */
  readonly exchangePrefix?: string;
}

/** What was published, exactly as it went on the wire. */
export interface PublishedPulseMessage {
  readonly exchange: string;
  readonly routingKey: string;
  /** CC routing keys (`route.<route>` for each task route). */
  readonly cc: readonly string[];
  /** The JSON body, UTF-8. */
  readonly content: Buffer;
}
