/**
 * Topic matching by its definition, as a table over (pattern word, key word)
 * positions: simple enough to trust, O(words(pattern) × words(key)), used as
 * the reference the real matcher is checked against.
 */
export function referenceTopicMatch(pattern: string, key: string): boolean {
  const p = pattern === '' ? [] : pattern.split('.');
  const k = key === '' ? [] : key.split('.');
  // row[j]: pattern words from i on match key words from j on.
  let row = k.map(() => false).concat(true);
  for (let i = p.length - 1; i >= 0; i--) {
    const next = row;
    row = new Array<boolean>(k.length + 1);
    for (let j = k.length; j >= 0; j--) {
      row[j] =
        p[i] === '#'
          ? next[j]! || (j < k.length && row[j + 1]!)
          : j < k.length && (p[i] === '*' || p[i] === k[j]) && next[j + 1]!;
    }
  }
  return row[0]!;
}
