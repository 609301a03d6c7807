import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BindingError, buildRoutingKey, buildRoutingKeyPattern, createEvents, decodeRoutingKey, QueueEvents, RoutingKeyDecodeError } from '../src/index.js';
import type { ExchangeReference } from '../src/references/types.js';
import { assertBindingError } from './support/binding-assertions.js';

const queue = new QueueEvents();
const EXCHANGE = 'exchange/taskcluster-queue/v1/task-completed';
const entries = queue.taskCompleted().routingKeyReference;
const untyped = (...args: unknown[]) => (queue.taskCompleted as (...a: unknown[]) => unknown)(...args);

class TaskFilter {
  taskId = 'abc';
}

/** A reference loaded at run time whose names are also Object.prototype's. */
const prototypeNames = {
  serviceName: 'odd',
  apiVersion: 'v1',
  exchangePrefix: 'exchange/taskcluster-odd/v1/',
  entries: [
    {
      type: 'topic-exchange',
      name: '__proto__',
      exchange: 'proto',
      schema: 'v1/x.json#',
      routingKey: [
        { name: 'routingKeyKind', constant: 'primary', required: true, multipleWords: false },
        { name: 'constructor', required: false, multipleWords: false },
        { name: '__proto__', required: false, multipleWords: false },
        { name: 'toString', required: false, multipleWords: true },
      ],
    },
  ],
} satisfies ExchangeReference;

describe('binding arguments: plain objects and primitives only', () => {
  it('a Date, a Map, a Number object or a class instance is refused instead of binding everything', () => {
    assertBindingError(() => untyped(new Date()), undefined, /the argument must be a plain object of routing-key fields, got a Date/);
    assertBindingError(() => untyped(new Map([['taskId', 'abc']])), undefined, /got a Map/);
    assertBindingError(() => untyped(new Number(5)), undefined, /got a Number object/);
    assertBindingError(() => untyped(new TaskFilter()), undefined, /got an instance of TaskFilter/);
    assertBindingError(() => untyped('abc', new Date()), 'runId', /positional values must be strings or numbers/);
  });

  it('an inherited routingKeyPattern (or field) is not the caller\'s: refused', () => {
    assertBindingError(() => untyped(Object.create({ routingKeyPattern: '#' })), undefined, /got an object with a custom prototype/);
    assertBindingError(() => untyped(Object.create({ taskId: 'abc' })), undefined, /plain object/);
  });

  it('an object without a prototype is a plain object', () => {
    const fields = Object.assign(Object.create(null), { taskId: 'abc' });
    assert.equal((untyped(fields) as { routingKeyPattern: string }).routingKeyPattern, 'primary.abc.*.*.*.*.*.*.*.#');
  });

  it('a constant restated as an object without a prototype is a BindingError, not a TypeError from String()', () => {
    assertBindingError(() => untyped({ routingKeyKind: Object.create(null) }), 'routingKeyKind', /must be a string or a number, got an object/);
    assertBindingError(() => untyped({ routingKeyKind: 'route' }), 'routingKeyKind', /is always "primary"/);
  });

  it('the builders refuse fields, entries and exchanges that are not what they must be', () => {
    assertBindingError(() => buildRoutingKey(EXCHANGE, entries, null as never), undefined, /fields must be a plain object of routing-key fields, got null/);
    assertBindingError(() => buildRoutingKeyPattern(EXCHANGE, entries, new Date() as never), undefined, /got a Date/);
    assertBindingError(() => buildRoutingKey(EXCHANGE, 'entries' as never, {}), 'entries', /must be an array of routing-key entries, got a string/);
    assertBindingError(() => buildRoutingKey(EXCHANGE, [{ name: 5 }] as never, {}), 'entries[0].name', /must be a non-empty string/);
    assertBindingError(() => buildRoutingKey(42 as never, entries, {}), 'exchange', /must be a string, got a number/);
  });

  it('an exchangePrefix that is not a string is refused, naming the option', () => {
    assert.throws(() => createEvents(prototypeNames, { exchangePrefix: 5 as never }), /"odd": options\.exchangePrefix must be a string/);
    assert.throws(() => new QueueEvents({ exchangePrefix: {} as never }), /"queue": options\.exchangePrefix must be a string/);
  });

  it('a huge value is shortened in the message', () => {
    assert.throws(
      () => untyped({ taskId: `${'x'.repeat(1_000_000)}.y` }),
      (error: Error) => error instanceof BindingError && error.message.length < 1_000 && /\(1000002 characters\) contains a dot/.test(error.message),
    );
  });
});

describe('names that are also Object.prototype\'s', () => {
  it('an exchange entry named __proto__ is a method; no prototype is replaced', () => {
    const events = createEvents(prototypeNames) as unknown as Record<string, (...args: unknown[]) => { routingKeyPattern: string }>;
    assert.equal(Object.getPrototypeOf(events), Object.prototype);
    assert.deepEqual(Object.keys(events), ['__proto__']);
    assert.equal(events['__proto__']!().routingKeyPattern, 'primary.*.*.#');
  });

  it('routing-key fields named constructor, __proto__ and toString are fields, whether given or not', () => {
    const events = createEvents(prototypeNames) as unknown as Record<string, (...args: unknown[]) => { routingKeyPattern: string }>;
    const method = events['__proto__']!;
    assert.equal(method({}).routingKeyPattern, 'primary.*.*.#');
    assert.equal(method('c', 'p', 'a.b').routingKeyPattern, 'primary.c.p.a.b');
    assert.equal(method(JSON.parse('{"constructor": "c", "__proto__": "p"}')).routingKeyPattern, 'primary.c.p.#');
    const fields = decodeRoutingKey(prototypeNames.entries[0]!, 'primary.c.p.a.b');
    assert.equal(Object.getPrototypeOf(fields), Object.prototype);
    assert.deepEqual(Object.entries(fields), [['routingKeyKind', 'primary'], ['constructor', 'c'], ['__proto__', 'p'], ['toString', 'a.b']]);
  });
});

describe('decodeRoutingKey on what is not a routing key', () => {
  const binding = queue.taskCompleted();
  for (const key of [5, undefined, null, Buffer.from('primary'), Object.create(null), Symbol('k')]) {
    it(`${describeForTitle(key)} throws a RoutingKeyDecodeError`, () => {
      assert.throws(() => decodeRoutingKey(binding, key as never), (error: unknown) => {
        assert.ok(error instanceof RoutingKeyDecodeError, String(error));
        assert.match(error.rule, /must be a string, got /);
        return true;
      });
    });
  }

  it('a source without routing-key entries throws a RoutingKeyDecodeError', () => {
    for (const source of [null, 'queue', {}, { routingKey: 'x' }]) {
      assert.throws(() => decodeRoutingKey(source as never, 'primary.a'), /cannot be decoded: the first argument must be a binding or an exchange entry/);
    }
  });

  it('a huge key is shortened in the message', () => {
    assert.throws(() => decodeRoutingKey(binding, 'x'.repeat(1_000_000)), (error: Error) => error.message.length < 1_000);
  });
});

function describeForTitle(value: unknown): string {
  return typeof value === 'symbol' ? 'a symbol' : Buffer.isBuffer(value) ? 'a Buffer' : value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
