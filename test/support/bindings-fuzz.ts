/**
 * The bindings fuzz, run in a worker thread by test/bindings-fuzz.test.ts (so a
 * call that never returns is stopped at a deadline). Random arguments go to
 * the generated Events classes, createEvents (also on a reference whose names
 * are Object.prototype's), buildRoutingKey and decodeRoutingKey, and random
 * patterns and keys to the topic matcher. Every call must return what
 * bindings-model.ts says, or throw the library's own error when the model says
 * "refused": never a TypeError or anything else, never slowly.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as bindings from '../../src/bindings/index.js';
import { compileTopicPattern } from '../../src/bindings/topic-pattern.js';
import type { ExchangeReference } from '../../src/references/types.js';
import { expectedFields, expectedKey, expectedPattern } from './bindings-model.js';
import { PROTOTYPE_NAMES, randomArgs, randomFields, randomKey, randomPattern, randomValue } from './fuzz-values.js';
import { loadExchangeReferences } from './project-references.js';
import { SeededRandom } from './seeded-random.js';
import { referenceTopicMatch } from './topic-reference.js';

const { BindingError, RoutingKeyDecodeError, buildRoutingKey, createEvents, decodeRoutingKey } = bindings;
type Method = (...args: unknown[]) => bindings.Binding;

/** No single call may take this long (they take microseconds; a backtracking one takes minutes). */
const SLOW_CALL_MS = 1_000;

/** A valid reference whose every name is also a name on Object.prototype. */
const PROTOTYPE_REFERENCE: ExchangeReference = {
  serviceName: 'odd',
  apiVersion: 'v1',
  exchangePrefix: 'exchange/taskcluster-odd/v1/',
  entries: ['__proto__', 'constructor', 'hasOwnProperty'].map((name, i) => ({
    type: 'topic-exchange',
    name,
    exchange: `odd-${i}`,
    schema: 'v1/x.json#',
    routingKey: [
      { name: 'routingKeyKind', constant: 'primary', required: true, multipleWords: false },
      ...PROTOTYPE_NAMES.slice(0, 4).map((key, j) => ({ name: key, required: j % 2 === 0, multipleWords: j === 3 })),
    ],
  })),
};

interface Exchange {
  readonly exchange: string;
  readonly entry: ExchangeReference['entries'][number];
  readonly method: Method;
}

function exchanges(): Exchange[] {
  const generated = Object.values(bindings).filter(
    (value): value is new () => bindings.ExchangeBindings => typeof value === 'function' && value.prototype instanceof bindings.ExchangeBindings,
  );
  assert.equal(generated.length, 6, 'the six generated Events classes');
  const all: Exchange[] = [];
  const add = (reference: ExchangeReference, methods: Record<string, Method>) => {
    for (const entry of reference.entries) {
      all.push({ exchange: reference.exchangePrefix + entry.exchange, entry, method: methods[entry.name]!.bind(methods) });
    }
  };
  for (const Events of generated) {
    const events = new Events();
    add(events.reference, events as unknown as Record<string, Method>);
  }
  for (const reference of [...loadExchangeReferences(), PROTOTYPE_REFERENCE]) add(reference, createEvents(reference) as Record<string, Method>);
  return all;
}

function snapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => inspect(Object.getOwnPropertyDescriptors(p), { showHidden: true, depth: 1 }))
    .join('\n');
}

type Operation = 'bind' | 'buildRoutingKey' | 'decodeRoutingKey' | 'match';

export interface FuzzReport {
  /** Per operation: how many calls returned a result, how many were refused. */
  readonly counts: Record<Operation, { returned: number; refused: number }>;
  readonly slowestMs: number;
}

export function runBindingsFuzz(seed: number, budgetMs: number): FuzzReport {
  const random = new SeededRandom(seed);
  const before = snapshot();
  const targets = exchanges();
  const started = performance.now();
  const counts = Object.fromEntries(
    (['bind', 'buildRoutingKey', 'decodeRoutingKey', 'match'] as const).map((op) => [op, { returned: 0, refused: 0 }]),
  ) as FuzzReport['counts'];
  let slowestMs = 0;

  /** Calls `act`; checks it against `expected` (undefined: must throw `errorType`). */
  const check = <T, E>(op: Operation, what: () => string, act: () => T, expected: E | undefined, errorType: new (...a: never[]) => Error, same: (actual: T, expected: E) => void) => {
    const callStarted = performance.now();
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: act() };
    } catch (error) {
      outcome = { error };
    }
    const ms = performance.now() - callStarted;
    slowestMs = Math.max(slowestMs, ms);
    assert.ok(ms < SLOW_CALL_MS, `${what()} took ${ms} ms`);
    if ('error' in outcome) {
      assert.ok(outcome.error instanceof errorType, `${what()} threw ${inspect(outcome.error).slice(0, 500)}`);
      assert.equal(expected, undefined, `${what()} was refused (${(outcome.error as Error).message.slice(0, 300)}) but should give ${String(expected).slice(0, 300)}`);
      counts[op].refused++;
    } else {
      assert.notEqual(expected, undefined, `${what()} gave ${inspect(outcome.value).slice(0, 300)} but should be refused`);
      same(outcome.value, expected as E);
      counts[op].returned++;
    }
  };
  const show = (value: unknown) => inspect(value, { depth: 3, maxStringLength: 40, maxArrayLength: 10 });

  while (performance.now() - started < budgetMs) {
    const { exchange, entry, method } = random.pick(targets);
    const names = entry.routingKey.map((k) => k.name);
    switch (random.int(4)) {
      case 0: {
        const args = randomArgs(random, entry.routingKey);
        check('bind', () => `${exchange} ${entry.name}(${args.map(show).join(', ')})`, () => method(...args), expectedPattern(entry.routingKey, args), BindingError, (binding, pattern) => {
          assert.equal(binding.exchange, exchange);
          assert.equal(binding.routingKeyPattern, pattern);
        });
        break;
      }
      case 1: {
        const fields = random.chance(0.8) ? randomFields(random, names) : randomValue(random, names);
        check('buildRoutingKey', () => `buildRoutingKey(${exchange}, ${show(fields)})`, () => buildRoutingKey(exchange, entry.routingKey, fields as never), expectedKey(entry.routingKey, fields), BindingError, assert.equal);
        break;
      }
      case 2: {
        const key = random.chance(0.9) ? keyFor(random, entry) : randomValue(random, names);
        check('decodeRoutingKey', () => `decodeRoutingKey(${exchange}, ${show(key)})`, () => decodeRoutingKey(entry, key as never), expectedFields(entry.routingKey, key), RoutingKeyDecodeError, (a, e) => assert.deepEqual(a, e));
        break;
      }
      default: {
        const [pattern, key] = [randomPattern(random), randomKey(random)];
        check('match', () => `pattern ${show(pattern)} vs key ${show(key)}`, () => compileTopicPattern(pattern)(key), referenceTopicMatch(pattern, key), Error, assert.equal);
      }
    }
  }
  assert.equal(snapshot(), before, 'Object.prototype and the other built-in prototypes are untouched');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  return { counts, slowestMs };
}

/** A key for the exchange, mostly almost right: its shape with some words changed. */
function keyFor(random: SeededRandom, entry: ExchangeReference['entries'][number]): string {
  const words = entry.routingKey.map((k) => k.constant ?? (random.chance(0.1) ? '' : random.pick(['a', '_', 'x-1'])));
  if (random.chance(0.3)) words.splice(random.int(words.length + 1), random.int(2), ...(random.chance(0.5) ? ['m', 'n'] : []));
  if (random.chance(0.1)) words[random.int(words.length)] = random.chance(0.5) ? 'x'.repeat(100_000) : 'route';
  return words.join('.');
}
