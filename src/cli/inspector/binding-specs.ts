import { bind } from '../../bindings/bind.js';
import { BindingError } from '../../bindings/binding-error.js';
import { decodeRoutingKey } from '../../bindings/decode-routing-key.js';
import type { Binding } from '../../bindings/types.js';
import { findExchange, findExchangeByName } from '../catalog.js';

/**
 * A binding as the page's URL carries it, one `bind` parameter each:
 * `<exchange> <pattern>`, the exchange either a full name
 * (`exchange/taskcluster-queue/v1/task-completed`), `<service>.<exchange>`
 * (`queue.taskCompleted`), or that under another prefix
 * (`queue.taskCompleted@exchange/guest/test/`). Readable, and enough to
 * rebuild the binding, its routing-key reference included.
 */
export type BindingSpec = string;

/** A binding the page shows: its spec, what it binds, and its pattern decoded into fields where that works. */
export interface DescribedBinding {
  readonly spec: BindingSpec;
  readonly exchange: string;
  readonly pattern: string;
  /** `queue.taskCompleted`, or the exchange's full name when no reference knows it. */
  readonly label: string;
  /** The pattern's words by routing-key field (`*`/`#` for any), constants left out; absent for a raw pattern that does not decode. */
  readonly fields?: Readonly<Record<string, string>>;
}

/** Decodes the routing key of an exchange no reference knows as one field, as `tc-pulse listen` does. */
const WHOLE_ROUTING_KEY = [{ name: 'routingKey', required: false, multipleWords: true }] as const;

/** The binding a spec stands for; a {@link BindingError} or the catalog's error names what is wrong. */
export function bindingOfSpec(spec: unknown): Binding {
  if (typeof spec !== 'string' || spec.trim() === '') throw new BindingError('(binding)', undefined, 'must be "<exchange> <pattern>", got an empty value');
  const space = spec.indexOf(' ');
  const target = space === -1 ? spec : spec.slice(0, space);
  const routingKeyPattern = space === -1 ? '#' : spec.slice(space + 1);
  if (target.startsWith('exchange/')) {
    const known = findExchangeByName(target);
    if (known) return bind(known.reference, known.entry, [{ routingKeyPattern }]);
    if (routingKeyPattern === '') throw new BindingError(target, 'routingKeyPattern', 'must be a non-empty string');
    return { exchange: target, routingKeyPattern, routingKeyReference: WHOLE_ROUTING_KEY, name: target, serviceName: '', schema: '' };
  }
  const at = target.indexOf('@');
  const { reference, entry } = findExchange(at === -1 ? target : target.slice(0, at));
  return bind(reference, entry, [{ routingKeyPattern }], at === -1 ? undefined : target.slice(at + 1));
}

/** What the page's form sends: an exchange and its routing-key fields, or a raw pattern. */
export interface BindingForm {
  /** `<service>.<exchange>`, or a full exchange name. */
  readonly exchange: string;
  readonly fields?: Readonly<Record<string, string>>;
  readonly routingKeyPattern?: string;
  /** Bind under this prefix instead of the service's (e.g. `exchange/<user>/test/`). */
  readonly exchangePrefix?: string;
}

/** The spec for a form, built by the library's own rules (so the errors are the library's). */
export function specOfForm(form: BindingForm): BindingSpec {
  if (typeof form !== 'object' || form === null || typeof form.exchange !== 'string') {
    throw new BindingError('(binding)', 'exchange', 'must be "<service>.<exchange>" or a full exchange name');
  }
  const { exchange, exchangePrefix, routingKeyPattern } = form;
  const fields = Object.fromEntries(Object.entries(form.fields ?? {}).filter(([, value]) => value !== ''));
  const argument = routingKeyPattern !== undefined && routingKeyPattern !== '' ? { routingKeyPattern, ...fields } : fields;
  if (exchange.startsWith('exchange/')) {
    if (Object.keys(fields).length > 0) throw new BindingError(exchange, Object.keys(fields)[0], 'fields are for <service>.<exchange>; a full exchange name takes a pattern');
    return specOf(bindingOfSpec(`${exchange} ${routingKeyPattern || '#'}`), exchange);
  }
  const { reference, entry } = findExchange(exchange);
  const prefix = exchangePrefix === undefined || exchangePrefix === '' ? undefined : exchangePrefix;
  const binding = bind(reference, entry, [argument], prefix);
  return specOf(binding, `${reference.serviceName}.${entry.name}${prefix === undefined ? '' : `@${prefix}`}`);
}

function specOf(binding: Binding, target: string): BindingSpec {
  return `${target} ${binding.routingKeyPattern}`;
}

/** A spec with what the page shows of it. */
export function describeSpec(spec: BindingSpec): DescribedBinding {
  const binding = bindingOfSpec(spec);
  return {
    spec,
    exchange: binding.exchange,
    pattern: binding.routingKeyPattern,
    label: labelOf(binding),
    ...patternFields(binding),
  };
}

export function labelOf(binding: Binding): string {
  return binding.serviceName ? `${binding.serviceName}.${binding.name}` : binding.exchange;
}

/** The pattern's words by field, where the pattern has the exchange's shape; constants left out. */
export function patternFields(binding: Binding): { fields?: Record<string, string> } {
  if (!binding.serviceName) return {};
  try {
    const decoded = decodeRoutingKey(binding, binding.routingKeyPattern);
    const constants = new Set(binding.routingKeyReference.filter((e) => e.constant !== undefined).map((e) => e.name));
    return { fields: Object.fromEntries(Object.entries(decoded).filter(([name]) => !constants.has(name))) };
  } catch {
    return {};
  }
}
