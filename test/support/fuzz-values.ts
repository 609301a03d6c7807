/**
 * Random inputs for the bindings fuzz: every kind of JavaScript value a caller
 * (or a bug) might pass, names that are also Object.prototype's, huge strings,
 * and routing keys and topic patterns with empty words and wildcards.
 */
import type { RoutingKeyEntry } from '../../src/references/types.js';
import type { SeededRandom } from './seeded-random.js';

export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'routingKeyPattern'];

class Filter {
  taskId = 'abc';
}

const HUGE = 'x'.repeat(300_000);
const HUGE_DOTTED = 'a.'.repeat(150_000);

export function randomString(random: SeededRandom): string {
  return random.pick<() => string>([
    () => '',
    () => random.words(1 + random.int(3), () => random.pick(['a', 'b', 'task-1', 'Ü😀', ''])),
    () => random.pick(['*', '#', 'a.#', '#.*', '*.a']),
    () => random.pick(PROTOTYPE_NAMES),
    () => random.pick([HUGE, HUGE_DOTTED, 'y'.repeat(250 + random.int(10))]),
    () => String(random.int(1000)),
  ])();
}

/** Any value: primitives, plain and null-prototype objects, and objects that are not plain. */
export function randomValue(random: SeededRandom, fieldNames: readonly string[], depth = 0): unknown {
  const plainish = depth < 2;
  return random.pick<() => unknown>([
    () => randomString(random),
    () => randomString(random),
    () => random.pick([0, -1, 7, 1.5, Number.NaN, Infinity, -0, 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]),
    () => random.pick([undefined, null, true, false, 5n, Symbol('s'), () => 'f']),
    () => (plainish ? randomFields(random, fieldNames, depth + 1) : {}),
    () => (plainish ? Object.assign(Object.create(null), randomFields(random, fieldNames, depth + 1)) : null),
    () => JSON.parse(`{"__proto__": ${JSON.stringify(randomString(random).slice(0, 20))}}`),
    () => Object.create({ [random.pick(fieldNames)]: 'inherited' }),
    () => random.pick([new Date(0), new Map([['taskId', 'a']]), new Set(['a']), new Number(3), new String('a'), new Filter(), [1, 'a'], Buffer.from('a')]),
    () => Object.defineProperty({}, random.pick(fieldNames), { value: 'hidden', enumerable: false }),
    () => Object.freeze({ [random.pick(fieldNames)]: 'frozen' }),
  ])();
}

/** A plain object with mostly the exchange's own field names, sometimes others. */
export function randomFields(random: SeededRandom, fieldNames: readonly string[], depth = 0): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = random.int(4); i > 0; i--) {
    const name = random.chance(0.7) ? random.pick(fieldNames) : random.chance(0.5) ? random.pick(PROTOTYPE_NAMES) : randomString(random).slice(0, 30);
    // Defined, so that `__proto__` becomes a field, as JSON.parse would make it.
    Object.defineProperty(fields, name, { value: fieldValue(random, fieldNames, depth), enumerable: true, writable: true, configurable: true });
  }
  return fields;
}

/** Mostly values that could be right, so that the valid path is exercised too. */
function fieldValue(random: SeededRandom, fieldNames: readonly string[], depth: number): unknown {
  if (random.chance(0.5)) return random.pick(['abc', 'x-1', 0, 42, 'a.b', undefined, null]);
  return randomValue(random, fieldNames, depth);
}

/** The arguments of an exchange method: none, one fields object, a raw pattern, or positional values. */
export function randomArgs(random: SeededRandom, entries: readonly RoutingKeyEntry[]): unknown[] {
  const names = entries.map((e) => e.name);
  switch (random.int(5)) {
    case 0:
      return [];
    case 1:
      return [randomFields(random, names)];
    case 2:
      return [random.chance(0.8) ? { routingKeyPattern: randomPattern(random) } : { routingKeyPattern: randomValue(random, names), ...randomFields(random, names) }];
    case 3:
      return [randomValue(random, names)];
    default:
      return Array.from({ length: random.int(entries.length + 2) }, () => (random.chance(0.6) ? random.pick(['abc', 7, undefined, 'a.b']) : randomValue(random, names)));
  }
}

const PATTERN_WORDS = ['a', 'b', '*', '#', '', 'ab'];
const KEY_WORDS = ['a', 'b', '', 'ab'];

export function randomPattern(random: SeededRandom): string {
  return random.words(random.int(random.chance(0.2) ? 80 : 10), () => random.pick(PATTERN_WORDS));
}

/** Mostly short keys; sometimes a long CC-like one, far past 255 bytes. */
export function randomKey(random: SeededRandom): string {
  return random.words(random.int(random.chance(0.1) ? 5_000 : 14), () => random.pick(KEY_WORDS));
}
