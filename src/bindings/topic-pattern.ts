/**
 * AMQP topic matching exactly as RabbitMQ does it: words are separated by dots,
 * `*` is exactly one word, `#` is zero or more. Empty words count (`a..b` has
 * three), but the empty key has none, so `*` does not match it and `#` does.
 *
 * One implementation for both sides: the embedded broker routes with it, and
 * the Pulse client uses it to tell whether a received message was asked for by
 * a current binding. Compiled to one regular expression, so matching a key
 * allocates nothing.
 */
export type TopicMatcher = (routingKey: string) => boolean;

export function compileTopicPattern(pattern: string): TopicMatcher {
  const words = patternWords(pattern);
  // The regex below sees '' as one empty word; RabbitMQ sees no words at all.
  const matchesEmptyKey = words.every((word) => word === '#');
  if (words.length === 1 && words[0] === '#') return () => true;
  const regex = wordsRegex(words);
  return (routingKey) => (routingKey === '' ? matchesEmptyKey : regex.test(routingKey));
}

/** Uncompiled form, for one-off checks. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return compileTopicPattern(pattern)(routingKey);
}

function patternWords(pattern: string): string[] {
  if (pattern === '') return [];
  // Consecutive `#` match what one does.
  return pattern.split('.').filter((word, i, all) => !(word === '#' && all[i - 1] === '#'));
}

function wordsRegex(words: readonly string[]): RegExp {
  let source = '^';
  let needDot = false;
  for (const word of words) {
    if (word === '#') {
      // Any number of words, each preceded by a dot (after a word) or followed by one (at the start).
      source += needDot ? '(?:\\.[^.]*)*' : '(?:[^.]*\\.)*';
      continue;
    }
    source += (needDot ? '\\.' : '') + (word === '*' ? '[^.]*' : escapeRegex(word));
    needDot = true;
  }
  return new RegExp(`${source}$`, 's');
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
