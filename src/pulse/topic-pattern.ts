/**
 * AMQP topic matching, as RabbitMQ does it: words separated by dots, `*` is
 * exactly one word, `#` is zero or more words. Used to tell whether a received
 * message was asked for by one of the current bindings.
 */
export type TopicMatcher = (routingKeyWords: readonly string[]) => boolean;

export function compileTopicPattern(pattern: string): TopicMatcher {
  const words = pattern.split('.');
  if (!words.includes('#') && !words.includes('*')) return (key) => key.length === words.length && key.every((w, i) => w === words[i]);
  return (key) => matchFrom(words, 0, key, 0);
}

function matchFrom(pattern: readonly string[], pi: number, key: readonly string[], ki: number): boolean {
  while (pi < pattern.length) {
    const word = pattern[pi]!;
    if (word === '#') {
      while (pattern[pi + 1] === '#') pi++;
      if (pi + 1 === pattern.length) return true;
      for (let k = ki; k <= key.length; k++) if (matchFrom(pattern, pi + 1, key, k)) return true;
      return false;
    }
    if (ki >= key.length || (word !== '*' && word !== key[ki])) return false;
    pi++;
    ki++;
  }
  return ki === key.length;
}
