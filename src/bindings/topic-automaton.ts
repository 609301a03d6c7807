import { endOfWord } from './topic-words.js';

/** Whether the key words starting at positions from `from` up to `limit` match. */
export type RangeMatcher = (key: string, from: number, limit: number) => boolean;

/**
 * Matches a pattern with `#` anywhere by running its automaton on every
 * pattern position at once: state i means "the first i pattern words have
 * matched", kept as one bit per state, 32 states per number. Each key word is
 * looked at once, so a match costs O(words(key) × words(pattern) / 32) however
 * the `#` are placed; nothing is ever retried.
 *
 * `words` must not hold two `#` in a row (they match what one does).
 */
export function automatonMatcher(words: readonly string[]): RangeMatcher {
  const lanes = (words.length >>> 5) + 1; // states 0..words.length
  const hashes = new Uint32Array(lanes); // states that may take any word and stay
  const stars = new Uint32Array(lanes); // states that advance on any word
  const literals = new Map<string, Uint32Array>(); // states that advance on this word
  words.forEach((word, i) => {
    const masks = word === '#' ? hashes : word === '*' ? stars : literals.get(word) ?? new Uint32Array(lanes);
    if (word !== '#' && word !== '*') literals.set(word, masks);
    masks[i >>> 5]! |= 1 << (i & 31);
  });
  const none = new Uint32Array(lanes);
  const acceptLane = words.length >>> 5;
  const acceptBit = 1 << (words.length & 31);
  // A matcher never runs re-entrantly, so its state sets are allocated once.
  let active = new Uint32Array(lanes);
  let next = new Uint32Array(lanes);

  /** A `#` may also match no word: whoever reaches it has reached the state after it too. */
  const skipHashes = (states: Uint32Array) => {
    let carry = 0;
    for (let lane = 0; lane < lanes; lane++) {
      const atHash = states[lane]! & hashes[lane]!;
      states[lane]! |= (atHash << 1) | carry;
      carry = atHash >>> 31;
    }
  };

  return (key, from, limit) => {
    active.fill(0);
    active[0] = 1;
    skipHashes(active);
    for (let at = from; at < limit; ) {
      const wordEnd = endOfWord(key, at);
      const advancing = literals.size === 0 ? none : literals.get(key.slice(at, wordEnd)) ?? none;
      let carry = 0;
      let alive = 0;
      for (let lane = 0; lane < lanes; lane++) {
        const moving = active[lane]! & (stars[lane]! | advancing[lane]!);
        next[lane] = (moving << 1) | carry | (active[lane]! & hashes[lane]!);
        carry = moving >>> 31;
        alive |= next[lane]!;
      }
      if (alive === 0) return false;
      skipHashes(next);
      [active, next] = [next, active];
      at = wordEnd + 1;
    }
    return (active[acceptLane]! & acceptBit) !== 0;
  };
}
