import { compileTopicPattern, type TopicMatcher } from '../../bindings/topic-pattern.js';
import type { Binding, RoutingKeyFields } from '../../bindings/types.js';
import type { PulseMessage } from '../../pulse/pulse-message.js';
import type { PulseRecord } from '../../recording/record.js';
import { recordOf } from '../../recording/record-of-message.js';
import { labelOf, type BindingSpec } from './binding-specs.js';
import { checkPayload, type SchemaVerdict } from './schema-check.js';

/** One message as the page gets it over the event stream. */
export interface MessageView {
  /** Counts from 1 within one event stream. */
  readonly id: number;
  readonly label: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly fields: RoutingKeyFields;
  /** Field names that are constants of the exchange (not worth a column). */
  readonly constants: readonly string[];
  readonly routes: readonly string[];
  readonly payload: unknown;
  readonly redelivered: boolean;
  /** The specs of the page's bindings that match it, by routing key or a CC key. */
  readonly matchedBy: readonly BindingSpec[];
  readonly schema: SchemaVerdict;
  /** What `tc-pulse listen --record` would write for it: the export is made of these. */
  readonly record: PulseRecord;
}

/** Builds the views for one event stream's bindings. */
export class MessageViews {
  #next = 1;
  readonly #matchers: readonly { readonly spec: BindingSpec; readonly exchange: string; readonly match: TopicMatcher }[];

  constructor(bindings: readonly { readonly spec: BindingSpec; readonly binding: Binding }[]) {
    this.#matchers = bindings.map(({ spec, binding }) => ({ spec, exchange: binding.exchange, match: compileTopicPattern(binding.routingKeyPattern) }));
  }

  view(message: PulseMessage): MessageView {
    const record = recordOf(message);
    const keys = [message.routingKey, ...record.cc];
    return {
      id: this.#next++,
      label: labelOf(message.binding),
      exchange: message.exchange,
      routingKey: message.routingKey,
      fields: message.fields,
      constants: message.binding.routingKeyReference.filter((e) => e.constant !== undefined).map((e) => e.name),
      routes: message.routes,
      payload: message.payload,
      redelivered: message.redelivered,
      matchedBy: this.#matchers.filter((m) => m.exchange === message.exchange && keys.some((key) => m.match(key))).map((m) => m.spec),
      schema: checkPayload(message.binding, message.payload),
      record,
    };
  }
}
