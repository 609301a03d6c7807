import type { ExchangeEntry, ExchangeReference, RoutingKeyEntry } from '../references/types.js';
import type { Binding, RawRoutingKeyPattern, RoutingKeyValue } from './types.js';

/**
 * Types derived from an exchange reference's literal type, so that
 * `createEvents(reference)` on a reference declared `as const` is as strictly
 * typed as the generated classes. On a reference only known at run time they
 * degrade to string-keyed records.
 */

type KeysOf<E extends ExchangeEntry> = E['routingKey'][number];
type FieldKeys<E extends ExchangeEntry> = Exclude<KeysOf<E>, { readonly constant: string }>;

/** The routing-key fields a binding may filter on (constants excluded). */
export type RoutingKeyFilter<E extends ExchangeEntry> = {
  readonly [K in FieldKeys<E> as K['name']]?: RoutingKeyValue;
};

/** A received message's routing key, decoded. */
export type DecodedRoutingKey<E extends ExchangeEntry> = {
  readonly [K in KeysOf<E> as K['name']]: K extends { readonly constant: infer C extends string } ? C : string;
};

/** Positional values for the non-constant entries, in order, all optional. */
export type PositionalValues<Keys extends readonly RoutingKeyEntry[]> = Keys extends readonly [
  infer Head extends RoutingKeyEntry,
  ...infer Tail extends readonly RoutingKeyEntry[],
]
  ? Head extends { readonly constant: string }
    ? PositionalValues<Tail>
    : [RoutingKeyValue?, ...PositionalValues<Tail>]
  : Keys extends readonly [] ? [] : RoutingKeyValue[];

/** One exchange method: the three argument forms, never mixed. */
export interface ExchangeMethod<E extends ExchangeEntry, Payload> {
  (filter?: RoutingKeyFilter<E>): Binding<Payload, DecodedRoutingKey<E>>;
  (pattern: RawRoutingKeyPattern): Binding<Payload, DecodedRoutingKey<E>>;
  (...values: PositionalValues<E['routingKey']>): Binding<Payload, DecodedRoutingKey<E>>;
}

/** All methods of an exchange reference; `Payloads` maps entry names to message types. */
export type Events<R extends ExchangeReference, Payloads = Record<never, never>> = {
  readonly [E in R['entries'][number] as E['name']]: ExchangeMethod<
    E,
    E['name'] extends keyof Payloads ? Payloads[E['name']] : unknown
  >;
};
