/**
 * Patterns and keys that make a backtracking matcher exponential (or at least
 * slow): several `#` around words that occur everywhere in the key, keys of
 * empty words, 255-byte patterns, and CC entries far longer than 255 bytes
 * (publishers choose those). Each pattern's first and last words fit the key,
 * so the cheap checks at both ends pass and the part between the `#` must be
 * matched in full. Shared by test/topic-pattern.test.ts and `npm run bench:match`.
 */
import { compileTopicPattern } from '../../src/bindings/topic-pattern.js';

export interface TopicCase {
  readonly name: string;
  readonly pattern: string;
  readonly key: string;
}

const words = (word: string, count: number): string => Array<string>(count).fill(word).join('.');
/** `unit` repeated (dot-joined) while the whole stays within `bytes`, then `tail`. */
const fill = (unit: string, tail: string, bytes: number): string =>
  words(unit, Math.floor((bytes - tail.length - 1) / (unit.length + 1))) + '.' + tail;

export const TOPIC_WORST_CASES: readonly TopicCase[] = [
  { name: '6 # against a 253-byte key (as in the issue)', pattern: '#.a.#.a.#.a.#.a.#.b.#', key: words('a', 127) },
  { name: '8 # against a 119-byte key (as in the issue)', pattern: '#.a.#.a.#.a.#.a.#.a.#.a.#.b.#', key: words('a', 60) },
  { name: '255-byte #.* pattern, 255-byte key', pattern: fill('#.*', 'x.#', 255), key: words('a', 128) },
  { name: '255-byte #.a pattern, 255-byte key', pattern: fill('#.a', 'b.#', 255), key: words('a', 128) },
  { name: '# and empty words, key of 255 empty words', pattern: '#..#..#..#..#..#.x.#', key: '.'.repeat(254) },
  { name: '255-byte #.a.a…b.# pattern, 100 KB CC entry', pattern: `#.${fill('a', 'b.#', 253)}`, key: words('a', 50_000) },
  { name: '4 # against a 100 KB CC entry', pattern: '#.a.#.a.#.b.#', key: words('a', 50_000) },
  { name: 'matching: 6 # against a 100 KB CC entry', pattern: '#.a.#.a.#.a.#.a.#.a.#.a', key: words('a', 50_000) },
];

/** Runs every worst case through the real matcher; exported for a worker thread. */
export function matchWorstCases(): { name: string; matched: boolean; ms: number }[] {
  return TOPIC_WORST_CASES.map(({ name, pattern, key }) => {
    const started = performance.now();
    const matched = compileTopicPattern(pattern)(key);
    return { name, matched, ms: performance.now() - started };
  });
}
