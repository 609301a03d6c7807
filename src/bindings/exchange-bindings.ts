import type { ExchangeReference } from '../references/types.js';
import { bind } from './bind.js';
import { type EventsOptions, exchangePrefixOf } from './create-events.js';
import type { Binding } from './types.js';

/** Base of the generated `<Service>Events` classes. */
export abstract class ExchangeBindings {
  readonly exchangePrefix: string;

  protected constructor(
    readonly reference: ExchangeReference,
    options: EventsOptions = {},
  ) {
    this.exchangePrefix = exchangePrefixOf(reference, options);
  }

  // The payload and field types of a binding exist only at the type level; the
  // generated methods declare them, so the cast is the one place they attach.
  protected bind<B extends Binding>(name: string, args: readonly unknown[]): B {
    const entry = this.reference.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`${this.reference.serviceName} has no exchange "${name}"`);
    return bind(this.reference, entry, args, this.exchangePrefix) as B;
  }
}
