import assert from 'node:assert/strict';
import { BindingError } from '../../src/index.js';

/** Asserts that `fn` throws a BindingError naming `field` (undefined: none) with a rule matching `rule`, and, if given, `exchange`. */
export function assertBindingError(fn: () => unknown, field: string | undefined, rule: RegExp, exchange?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof BindingError, `expected a BindingError, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.match(error.rule, rule);
    if (exchange !== undefined) {
      assert.equal(error.exchange, exchange);
      assert.ok(error.message.startsWith(exchange), 'the message names the exchange');
    }
    if (field) assert.ok(error.message.includes(`"${field}"`), 'the message names the field');
    return true;
  });
}
