/**
 * Walking a routing key word by word, in place: a position is the index where
 * a word starts, and `key.length + 1` means no word is left. The empty key has
 * no words, so it starts there; any other key starts at 0 (`.` is two empty words).
 */

/** Tells whether a routing key matches the pattern it was compiled from. */
export type TopicMatcher = (routingKey: string) => boolean;

const DOT = 0x2e;

/** Where the first word of `key` starts. */
export function firstWord(key: string): number {
  return key === '' ? 1 : 0;
}

/** Index of the dot ending the word that starts at `start`, or the key's length for the last word. */
export function endOfWord(key: string, start: number): number {
  const dot = key.indexOf('.', start);
  return dot < 0 ? key.length : dot;
}

/** Whether the word of `key` from `start` to `end` is `word` (`*` is any word). */
function isWord(word: string, key: string, start: number, end: number): boolean {
  return word === '*' || (end - start === word.length && key.startsWith(word, start));
}

/**
 * Matches `words` (no `#`) against the key words from position `at` on.
 * Returns the position after them, or -1.
 */
export function matchForward(words: readonly string[], key: string, at: number): number {
  const none = key.length + 1;
  for (let i = 0; i < words.length; i++) {
    if (at === none) return -1;
    const word = words[i]!;
    let end: number;
    if (word === '*') {
      end = endOfWord(key, at);
    } else {
      // A literal is checked in place, without looking for the dot.
      end = at + word.length;
      if (!key.startsWith(word, at) || (end !== key.length && key.charCodeAt(end) !== DOT)) return -1;
    }
    at = end + 1;
  }
  return at;
}

/**
 * Matches `words` (no `#`) against the last key words before position `limit`,
 * taking none from before `from`. Returns the position of the first of them, or -1.
 */
export function matchBackward(words: readonly string[], key: string, from: number, limit: number): number {
  for (let i = words.length - 1; i >= 0; i--) {
    if (limit <= from) return -1;
    const end = limit - 1;
    const start = end === 0 ? 0 : key.lastIndexOf('.', end - 1) + 1;
    if (!isWord(words[i]!, key, start, end)) return -1;
    limit = start;
  }
  return limit;
}
