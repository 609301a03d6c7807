import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileTopicPattern, topicMatches } from '../src/bindings/topic-pattern.js';
import { runWithDeadline } from './support/run-with-deadline.js';
import { referenceTopicMatch } from './support/topic-reference.js';
import { TOPIC_WORST_CASES } from './support/topic-worst-cases.js';

const matches = (pattern: string, key: string) => compileTopicPattern(pattern)(key);

describe('topic patterns (shared by the embedded broker and the Pulse client)', () => {
  test('* is one word, # is zero or more, as RabbitMQ matches them', () => {
    assert.ok(matches('primary.abc.*.*', 'primary.abc.0.w'));
    assert.ok(!matches('primary.abc.*.*', 'primary.abc.0'));
    assert.ok(!matches('primary.abc.*.*', 'primary.xyz.0.w'));
    assert.ok(matches('primary.*.#', 'primary.a'));
    assert.ok(matches('primary.*.#', 'primary.a.b.c'));
    assert.ok(matches('#', 'anything.at.all'));
    assert.ok(matches('route.index.#', 'route.index.project.foo'));
    assert.ok(matches('a.#.z', 'a.z'));
    assert.ok(matches('a.#.z', 'a.b.c.z'));
    assert.ok(!matches('a.#.z', 'a.b.c'));
    assert.ok(matches('#.#.end', 'end'));
    assert.ok(matches('exact.key', 'exact.key'));
    assert.ok(!matches('exact.key', 'exact.keys'));
    assert.ok(matches('a.b+c.(d)', 'a.b+c.(d)'), 'regex characters in words are literal');
    assert.ok(!matches('a.b+c', 'a.bbc'));
  });

  test('the empty key has no words; empty words in a key count', () => {
    assert.ok(matches('#', ''));
    assert.ok(matches('#.#', ''));
    assert.ok(!matches('*', ''));
    assert.ok(!matches('*.#', ''));
    assert.ok(matches('', ''));
    assert.ok(!matches('', 'a'));
    assert.ok(matches('a.*.b', 'a..b'));
    assert.ok(matches('*.*', '.'));
    assert.ok(!matches('*', '.'));
    assert.equal(topicMatches('a.#', 'a'), true);
  });

  test('agrees with a word-by-word reference on every small pattern and key, empty words and keys included', () => {
    const words = (text: string) => (text === '' ? [] : text.split('.'));
    const reference = (p: string[], k: string[]): boolean => {
      if (p.length === 0) return k.length === 0;
      const [head, ...rest] = p;
      if (head === '#') return Array.from({ length: k.length + 1 }, (_, i) => i).some((i) => reference(rest, k.slice(i)));
      return k.length > 0 && (head === '*' || head === k[0]) && reference(rest, k.slice(1));
    };
    const sequences = (alphabet: string[], max: number): string[][] => {
      const out: string[][] = [[]];
      for (let length = 1; length <= max; length++) {
        for (const prefix of out.filter((s) => s.length === length - 1)) for (const letter of alphabet) out.push([...prefix, letter]);
      }
      return out;
    };
    let checked = 0;
    for (const pattern of sequences(['a', '*', '#', ''], 4).map((s) => s.join('.'))) {
      const compiled = compileTopicPattern(pattern);
      for (const key of sequences(['a', 'b', ''], 4).map((s) => s.join('.'))) {
        assert.equal(compiled(key), reference(words(pattern), words(key)), `pattern "${pattern}" vs key "${key}"`);
        checked++;
      }
    }
    assert.ok(checked > 20_000, `checked ${checked}`);
  });
});

describe('topic matching never blocks the event loop', () => {
  test('the worst cases for a backtracking matcher finish in a worker within a generous deadline, and match correctly', async () => {
    // In a worker: a matcher that backtracks for minutes is stopped at the deadline instead of hanging the test.
    const { value } = await runWithDeadline<{ name: string; matched: boolean; ms: number }[]>(
      new URL('./support/topic-worst-cases.ts', import.meta.url),
      'matchWorstCases',
      [],
      15_000,
    );
    assert.equal(value.length, TOPIC_WORST_CASES.length);
    TOPIC_WORST_CASES.forEach(({ name, pattern, key }, i) => {
      assert.equal(value[i]!.matched, referenceTopicMatch(pattern, key), name);
      assert.ok(value[i]!.ms < 1_000, `${name}: ${value[i]!.ms} ms`);
    });
  });

  test('# between words, across the automaton\'s 32-state lanes, agrees with the reference', () => {
    const words = (count: number, word = 'a') => Array<string>(count).fill(word).join('.');
    for (const at of [30, 31, 32, 33, 63, 64, 65]) {
      const pattern = `${words(at)}.#.b.#.${words(3)}`;
      for (const key of [`${words(at)}.b.${words(3)}`, `${words(at)}.a.b.a.${words(3)}`, `${words(at)}.${words(3)}`, `${words(at + 1)}.b.${words(4)}`]) {
        assert.equal(compileTopicPattern(pattern)(key), referenceTopicMatch(pattern, key), `${at}: ${pattern} vs ${key}`);
      }
    }
    const long = `#.${words(40, '*')}.#.${words(40, '*')}.#`;
    assert.equal(compileTopicPattern(long)(words(80)), true);
    assert.equal(compileTopicPattern(long)(words(79)), false);
  });
});
