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
  const methods: Record<string, (...args: unknown[]) => unknown> = {};
  for (const entry of reference.entries) {
    methods[entry.name] = (...args: unknown[]) => bind(reference, entry, args, options.exchangePrefix);
  }
  return Object.freeze(methods) as Events<R, Payloads>;
}
