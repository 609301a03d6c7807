/**
 * AMQP topic matching as RabbitMQ does it: words are separated by `.`, `*`
 * matches exactly one word, `#` matches zero or more. Empty words count
 * (`a..b` has three words), but the empty key has none, so `*` does not
 * match it and `#` does.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(words(pattern), words(routingKey));
}

function words(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

function matchWords(pattern: readonly string[], key: readonly string[]): boolean {
  // failed[p * (key.length + 1) + k]: pattern[p..] cannot match key[k..]. Keeps
  // patterns like `#.#.#.x` linear-ish instead of exponential.
  const failed = new Uint8Array((pattern.length + 1) * (key.length + 1));
  const match = (p: number, k: number): boolean => {
    const slot = p * (key.length + 1) + k;
    if (failed[slot]) return false;
    let result: boolean;
    if (p === pattern.length) {
      result = k === key.length;
    } else if (pattern[p] === '#') {
      result = match(p + 1, k) || (k < key.length && match(p, k + 1));
    } else {
      result = k < key.length && (pattern[p] === '*' || pattern[p] === key[k]) && match(p + 1, k + 1);
    }
    if (!result) failed[slot] = 1;
    return result;
  };
  return match(0, 0);
}
