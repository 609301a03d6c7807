/**
 * AMQP topic matching, as RabbitMQ does it: words separated by dots, `*` is
 * exactly one word, `#` is zero or more words. Used to tell whether a received
 * message was asked for by one of the current bindings, so it must never
 * say no where RabbitMQ says yes; compiled to one regular expression so that
 * matching a routing key costs no allocation.
 */
export type TopicMatcher = (routingKey: string) => boolean;

export function compileTopicPattern(pattern: string): TopicMatcher {
  const regex = topicPatternRegex(pattern);
  return (routingKey) => regex.test(routingKey);
}

export function topicPatternRegex(pattern: string): RegExp {
  // Consecutive `#` match what one does.
  const words = pattern.split('.').filter((word, i, all) => !(word === '#' && all[i - 1] === '#'));
  if (words.length === 1 && words[0] === '#') return /^.*$/s;
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
