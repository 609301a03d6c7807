import type { RoutingKeyEntry } from '../references/types.js';

/** A value a routing-key field can be bound to; numbers become their decimal string. */
export type RoutingKeyValue = string | number;

/** Decoded routing-key fields: every entry by name, as the strings on the wire. */
export type RoutingKeyFields = Readonly<Record<string, string>>;

/** An explicit pattern, used as given (never guessed from a plain string). */
export interface RawRoutingKeyPattern {
  readonly routingKeyPattern: string;
}

declare const payloadType: unique symbol;
declare const fieldsType: unique symbol;

/**
 * What to bind a queue to: one exchange and a routing-key pattern. Plain data,
 * safe to log and serialize. The type parameters carry the message payload type
 * and the decoded routing-key fields of the exchange to `listen()`.
 */
export interface Binding<Payload = unknown, Fields extends RoutingKeyFields = RoutingKeyFields> {
  /** Full exchange name, e.g. `exchange/taskcluster-queue/v1/task-completed`. */
  readonly exchange: string;
  /** AMQP topic pattern, e.g. `primary.abc.*.*.*.*.*.*.*.#`. */
  readonly routingKeyPattern: string;
  /** The exchange's routing-key entries, in order; used to decode received keys. */
  readonly routingKeyReference: readonly RoutingKeyEntry[];
  /** Entry name in the reference, e.g. `taskCompleted`. */
  readonly name: string;
  /** Service that publishes on the exchange, e.g. `queue`. */
  readonly serviceName: string;
  /** Message schema, as a path under the deployment's root URL, e.g. `/schemas/queue/v1/task-completed-message.json`. */
  readonly schema: string;
  /** Type-level only: never present at run time. */
  readonly [payloadType]?: Payload;
  /** Type-level only: never present at run time. */
  readonly [fieldsType]?: Fields;
}

/** The payload type a binding carries. */
export type PayloadOf<B> = B extends Binding<infer P, RoutingKeyFields> ? P : unknown;
/** The decoded routing-key fields a binding carries. */
export type FieldsOf<B> = B extends Binding<unknown, infer F> ? F : RoutingKeyFields;
