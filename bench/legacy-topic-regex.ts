/**
 * The topic matcher as it was before it was made linear: the pattern compiled
 * to one regular expression. Kept only so `npm run bench:match` can show what
 * changed; nothing in src uses it. Several `#` make it backtrack exponentially.
 */
export function compileLegacyTopicPattern(pattern: string): (routingKey: string) => boolean {
  const words = pattern === '' ? [] : pattern.split('.').filter((word, i, all) => !(word === '#' && all[i - 1] === '#'));
  const matchesEmptyKey = words.every((word) => word === '#');
  if (words.length === 1 && words[0] === '#') return () => true;
  let source = '^';
  let needDot = false;
  for (const word of words) {
    if (word === '#') {
      source += needDot ? '(?:\\.[^.]*)*' : '(?:[^.]*\\.)*';
      continue;
    }
    source += (needDot ? '\\.' : '') + (word === '*' ? '[^.]*' : word.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'));
    needDot = true;
  }
  const regex = new RegExp(`${source}$`, 's');
  return (routingKey) => (routingKey === '' ? matchesEmptyKey : regex.test(routingKey));
}

/** One match with the legacy matcher; exported for a worker thread that can be stopped. */
export function legacyMatch(pattern: string, key: string): boolean {
  return compileLegacyTopicPattern(pattern)(key);
}
