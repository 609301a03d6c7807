import { redactText } from '../../rest/redaction.js';
import { displayAs } from '../../rest/safe-display.js';

/**
 * Gives a record of what the fake deployment received (a request, a refusal)
 * a `toJSON()` and a `util.inspect` form without the credentials in it: the
 * Hawk header, a bewit in the URL, a certificate's signature. The record
 * itself keeps them, for tests that check what was sent.
 */
export function withRedactedDisplay<T extends object>(record: T): T {
  const plain = (_key: string, value: unknown) => (value instanceof URLSearchParams ? Object.fromEntries(value) : value);
  return displayAs(record, () => JSON.parse(redactText(JSON.stringify({ ...record }, plain))) as unknown);
}
