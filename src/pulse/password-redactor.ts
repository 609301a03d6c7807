import type { BrokerAddress } from './broker-address.js';

/** Keeps every form of the brokers' passwords out of text and errors a client passes on. */
export class PasswordRedactor {
  constructor(private readonly addresses: readonly BrokerAddress[]) {}

  /** `text` without any form of any of the brokers' passwords. */
  text(text: string): string {
    return this.addresses.reduce((redacted, address) => address.redact(redacted), text);
  }

  /** `error` itself, its message and stack redacted in place (listeners get the very error that was thrown). */
  error<E extends Error>(error: E): E {
    const redacted = this.text(error.message);
    if (redacted !== error.message) error.message = redacted;
    // The stack starts with the message as it was at construction.
    if (error.stack) error.stack = this.text(error.stack);
    return error;
  }
}
