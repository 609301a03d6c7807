import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotifyEvents, QueueEvents } from '../src/index.js';
import { assertBindingError as assertBindingErrorOn } from './support/binding-assertions.js';

const queue = new QueueEvents();
const EXCHANGE = 'exchange/taskcluster-queue/v1/task-completed';

/** Calls the method untyped, as a JavaScript user (or a bug) would. */
const untyped = (...args: unknown[]) => (queue.taskCompleted as (...a: unknown[]) => unknown)(...args);

const assertBindingError = (fn: () => unknown, field: string | undefined, rule: RegExp) => assertBindingErrorOn(fn, field, rule, EXCHANGE);

describe('binding errors', () => {
  it('an unknown field name (a typo) is refused instead of matching everything', () => {
    assertBindingError(() => untyped({ taskid: 'abc' }), 'taskid', /not a routing-key field.*known fields: taskId, runId/);
  });

  it('too many positional values', () => {
    assertBindingError(() => untyped('a', 1, 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'extra'), undefined, /at most 9 positional values.*got 10/);
  });

  it('a dot in a single-word entry, by name or position', () => {
    assertBindingError(() => untyped({ taskId: 'a.b' }), 'taskId', /contains a dot, but this entry is a single word/);
    assertBindingError(() => untyped('a', 'b.c'), 'runId', /contains a dot/);
  });

  it('a lone dotted string hints at the raw-pattern form instead of guessing', () => {
    assertBindingError(() => untyped('primary.#'), 'taskId', /for a raw pattern pass \{routingKeyPattern: "primary.#"\}/);
  });

  it('values that are neither strings nor numbers', () => {
    assertBindingError(() => untyped({ taskId: true }), 'taskId', /must be a string or a number, got a boolean/);
    assertBindingError(() => untyped({ taskId: ['a'] }), 'taskId', /got an array/);
    assertBindingError(() => untyped({ taskId: { x: 1 } }), 'taskId', /got an object/);
    assertBindingError(() => untyped('a', true), 'runId', /got a boolean/);
    assertBindingError(() => untyped({ runId: 1.5 }), 'runId', /string or an integer, got the number 1.5/);
    assertBindingError(() => untyped({ runId: Number.NaN }), 'runId', /got the number NaN/);
  });

  it('an empty string is refused (leave the field out to match anything)', () => {
    assertBindingError(() => untyped({ taskId: '' }), 'taskId', /must not be an empty string/);
  });

  it('forms are never mixed', () => {
    assertBindingError(() => untyped('abc', { runId: 0 }), 'runId', /one object, not mixed with positional values/);
    assertBindingError(() => untyped({ routingKeyPattern: 'primary.#', taskId: 'x' }), 'taskId', /cannot be combined with routingKeyPattern/);
    assertBindingError(() => untyped({ taskId: 'a' }, 'b'), 'taskId', /one object, not mixed/);
  });

  it('a raw pattern must be a non-empty string within 255 bytes', () => {
    assertBindingError(() => untyped({ routingKeyPattern: '' }), 'routingKeyPattern', /non-empty string/);
    assertBindingError(() => untyped({ routingKeyPattern: 5 }), 'routingKeyPattern', /non-empty string/);
    assertBindingError(() => untyped({ routingKeyPattern: 'a'.repeat(256) }), undefined, /256 bytes; AMQP allows at most 255/);
  });

  it('a constant entry cannot be changed', () => {
    assertBindingError(() => untyped({ routingKeyKind: 'route' }), 'routingKeyKind', /is always "primary"/);
  });

  it('a pattern longer than 255 bytes', () => {
    const long = 'x'.repeat(250);
    assert.throws(() => new NotifyEvents().notify({ topic: long }), /258 bytes; AMQP allows at most 255/);
  });
});
