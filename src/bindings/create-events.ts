import type { ExchangeReference } from '../references/types.js';
import { bind } from './bind.js';
import type { Events } from './events-types.js';
import { validateExchangeReference } from './validate-reference.js';

export interface EventsOptions {
  /**
   * Overrides the reference's `exchangePrefix`, e.g. for a deployment that
   * publishes under another prefix.
   */
  readonly exchangePrefix?: string;
}

/**
 * Bindings for any exchange reference, including one loaded at run time, so a
 * new service works without a new release of this library. A reference declared
 * `as const` gets fully typed methods.
 */
export function createEvents<const R extends ExchangeReference, Payloads = Record<never, never>>(
  reference: R,
  options: EventsOptions = {},
): Events<R, Payloads> {
  validateExchangeReference(reference);
  const exchangePrefix = exchangePrefixOf(reference, options);
  const methods: Record<string, (...args: unknown[]) => unknown> = {};
  for (const entry of reference.entries) {
    // Defined, not assigned: an entry named `__proto__` must be a method, not a new prototype.
    Object.defineProperty(methods, entry.name, {
      value: (...args: unknown[]) => bind(reference, entry, args, exchangePrefix),
      enumerable: true,
    });
  }
  return Object.freeze(methods) as Events<R, Payloads>;
}

/** The prefix bindings use: the option's, checked, or the reference's. */
export function exchangePrefixOf(reference: ExchangeReference, options: EventsOptions | undefined): string {
  const given: unknown = options?.exchangePrefix;
  if (given !== undefined && typeof given !== 'string') {
    throw new TypeError(`exchange reference "${reference.serviceName}": options.exchangePrefix must be a string`);
  }
  return given ?? reference.exchangePrefix;
}
