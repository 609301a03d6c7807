import { automatonMatcher } from './topic-automaton.js';
import { firstWord, matchBackward, matchForward, type TopicMatcher } from './topic-words.js';

export type { TopicMatcher };

/**
 * AMQP topic matching exactly as RabbitMQ does it: words are separated by dots,
 * `*` is exactly one word, `#` is zero or more. Empty words count (`a..b` has
 * three), but the empty key has none, so `*` does not match it and `#` does.
 *
 * One implementation for both sides: the embedded broker routes with it, and
 * the Pulse client uses it to tell whether a received message was asked for by
 * a current binding, for the routing key and every CC entry. Keys come from
 * publishers and CC entries have no length limit, so the cost is linear in the
 * key whatever the pattern, and nothing is ever retried (a regular expression
 * with several `#` backtracks for minutes on a 255-byte key).
 *
 * The words before the first `#` must start the key and those after the last
 * `#` end it: both are checked in place, which is all the patterns bindings
 * build (`primary.abc.*.*.*.*.*.*.*.#`) need. Between two `#`, the automaton.
 */
export function compileTopicPattern(pattern: string): TopicMatcher {
  const words = patternWords(pattern);
  const first = words.indexOf('#');
  if (first === -1) return (key) => matchForward(words, key, firstWord(key)) === key.length + 1;
  const last = words.lastIndexOf('#');
  const head = words.slice(0, first);
  const tail = words.slice(last + 1);
  if (first === last && tail.length === 0) return (key) => matchForward(head, key, firstWord(key)) >= 0;
  const middle = first === last ? undefined : automatonMatcher(words.slice(first, last + 1));
  return (key) => {
    const from = matchForward(head, key, firstWord(key));
    if (from < 0) return false;
    const limit = matchBackward(tail, key, from, key.length + 1);
    if (limit < 0) return false;
    return middle === undefined || middle(key, from, limit);
  };
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
