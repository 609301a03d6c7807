import type { BrokerAddress } from './broker-address.js';

/** Passwords from a credentials provider remembered for redaction: the current ones and a few rotated out (late errors may quote them). */
const PROVIDED_KEPT = 8;

/** Keeps every form of the brokers' passwords out of text and errors a client passes on. */
export class PasswordRedactor {
  readonly #provided: BrokerAddress[] = [];

  constructor(private readonly addresses: readonly BrokerAddress[]) {}

  /** Also redact `address`'s password from now on (one a credentials provider handed out). */
  remember(address: BrokerAddress): void {
    if (!address.hasPassword || this.#provided[0]?.hasSamePasswordAs(address)) return;
    const known = this.#provided.findIndex((kept) => kept.hasSamePasswordAs(address));
    if (known !== -1) this.#provided.splice(known, 1);
    this.#provided.unshift(address);
    this.#provided.length = Math.min(this.#provided.length, PROVIDED_KEPT);
  }

  /** `text` without any form of any of the brokers' passwords. */
  text(text: string): string {
    const redacted = this.#provided.reduce((partly, address) => address.redact(partly), text);
    return this.addresses.reduce((partly, address) => address.redact(partly), redacted);
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
