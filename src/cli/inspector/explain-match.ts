import { decodeRoutingKey } from '../../bindings/decode-routing-key.js';
import { topicMatches } from '../../bindings/topic-pattern.js';
import type { Binding, RoutingKeyFields } from '../../bindings/types.js';
import { bindingOfSpec, labelOf, type BindingSpec } from './binding-specs.js';

/** Whether one binding matches a routing key, and if not, why. */
export interface BindingVerdict {
  readonly spec: BindingSpec;
  readonly label: string;
  readonly matches: boolean;
  /** Why it misses, in words. */
  readonly reason?: string;
  /** The routing-key field that made it miss, when one did. */
  readonly field?: string;
}

export interface KeyTest {
  /** The exchange tested, full name. */
  readonly exchange: string;
  readonly routingKey: string;
  /** The key decoded by the exchange's reference, when it has the exchange's shape. */
  readonly fields?: RoutingKeyFields;
  /** Why the key does not decode, when it does not. */
  readonly decodeError?: string;
  readonly verdicts: readonly BindingVerdict[];
}

/**
 * Tests a routing key, as published on `exchange`, against bindings, with the
 * library's topic matcher; for each binding that misses, the reason: another
 * exchange, or the first routing-key field whose value the binding's pattern
 * word does not accept (both decoded by the exchange's reference).
 */
export function testRoutingKey(exchange: string, routingKey: string, specs: readonly BindingSpec[]): KeyTest {
  if (typeof routingKey !== 'string') throw new TypeError('routingKey must be a string');
  const target = bindingOfSpec(`${exchange} #`);
  const decoded = decodeQuietly(target, routingKey);
  return {
    exchange: target.exchange,
    routingKey,
    ...('fields' in decoded ? { fields: decoded.fields } : { decodeError: decoded.error }),
    verdicts: specs.map((spec) => verdict(spec, bindingOfSpec(spec), target.exchange, routingKey, decoded)),
  };
}

type Decoded = { readonly fields: RoutingKeyFields } | { readonly error: string };

function decodeQuietly(binding: Binding, key: string): Decoded {
  try {
    return { fields: decodeRoutingKey(binding, key) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function verdict(spec: BindingSpec, binding: Binding, exchange: string, routingKey: string, key: Decoded): BindingVerdict {
  const base = { spec, label: labelOf(binding) };
  if (binding.exchange !== exchange) return { ...base, matches: false, reason: `binds ${binding.exchange}, not ${exchange}` };
  if (topicMatches(binding.routingKeyPattern, routingKey)) return { ...base, matches: true };
  const missAll = { ...base, matches: false, reason: `pattern "${binding.routingKeyPattern}" does not match "${routingKey}"` };
  if ('error' in key) return { ...missAll, reason: `${missAll.reason}: ${key.error}` };
  const pattern = decodeQuietly(binding, binding.routingKeyPattern);
  const missed = 'fields' in pattern ? missedField(binding, pattern.fields, key.fields) : missedLeadingWord(binding, routingKey);
  if (!missed) return missAll;
  return { ...base, matches: false, field: missed.field, reason: `${missed.field} is "${missed.given}" in the key; the binding wants "${missed.wanted}"` };
}

interface Miss {
  readonly field: string;
  readonly given: string;
  readonly wanted: string;
}

/** The first field whose value the pattern's word(s) for it do not accept. */
function missedField(binding: Binding, pattern: RoutingKeyFields, key: RoutingKeyFields): Miss | undefined {
  for (const { name } of binding.routingKeyReference) {
    if (!topicMatches(pattern[name]!, key[name]!)) return { field: name, given: key[name]!, wanted: pattern[name]! };
  }
  return undefined;
}

/**
 * For a raw pattern without the exchange's shape (`primary.abc.#`): its words
 * before the first `#` stand for the single-word fields at the front, one each.
 */
function missedLeadingWord(binding: Binding, routingKey: string): Miss | undefined {
  const words = binding.routingKeyPattern.split('.');
  const keyWords = routingKey.split('.');
  const entries = binding.routingKeyReference;
  for (let i = 0; i < words.length && i < entries.length && words[i] !== '#' && !entries[i]!.multipleWords; i++) {
    if (words[i] !== '*' && words[i] !== keyWords[i]) return { field: entries[i]!.name, given: keyWords[i] ?? '', wanted: words[i]! };
  }
  return undefined;
}
