import { bind } from '../bindings/bind.js';
import type { Binding } from '../bindings/types.js';
import type { ExchangeEntry } from '../references/types.js';
import { findExchange, findExchangeByName, isExchangeArgument } from './catalog.js';
import type { OptionValues, Options } from './command-line.js';
import { exchangePrefixFlag, exchangePrefixFrom } from './exchange-prefix.js';
import { patternFlags, patternFrom } from './pattern-flag.js';
import { fieldsFor, parseWithFieldFlags } from './routing-key-flags.js';
import { UsageError } from './usage-error.js';

/** One exchange argument and the positional values after it. */
interface ExchangeArgument {
  readonly name: string;
  readonly values: string[];
}

/**
 * Reads `listen`-style arguments: one or more exchanges, each either
 * `<service>.<exchange>` followed by its routing-key values in order (as in the
 * library: `queue.taskCompleted abc` is taskId abc), or a full exchange name
 * followed by at most one routing-key pattern (default `#`). Field flags
 * (`--taskId abc`) apply to every `<service>.<exchange>` given, and each must
 * have that field; `--routing-key-pattern` to every exchange given without values;
 * `--exchange-prefix` to every `<service>.<exchange>`.
 */
export function bindingsFromArguments(args: readonly string[], options: Options): { values: OptionValues; bindings: Binding[] } {
  const { values, flagFields, positionals } = parseWithFieldFlags(args, catalogEntriesIn(args), { ...options, ...patternFlags, ...exchangePrefixFlag });
  const exchanges = groupByExchange(positionals);
  const pattern = patternFrom(values);
  const prefix = exchangePrefixFrom(values);
  const raw = exchanges.filter((e) => e.name.startsWith('exchange/'));
  if (raw.length === exchanges.length) {
    const flag = Object.keys(flagFields)[0];
    if (flag !== undefined) throw new UsageError(`--${flag} is a routing-key field, for <service>.<exchange> arguments; a full exchange name takes a pattern`);
    if (prefix !== undefined) throw new UsageError('--exchange-prefix applies to <service>.<exchange> arguments; a full exchange name has its prefix already');
  }
  if (pattern !== undefined && exchanges.every((e) => e.values.length > 0)) {
    throw new UsageError('--routing-key-pattern is for exchanges given without routing-key values, and every exchange here has some');
  }
  const bindings = exchanges.map(({ name, values: given }) => {
    if (name.startsWith('exchange/')) return rawBinding(name, given, pattern);
    const { reference, entry } = findExchange(name);
    const fields = fieldsFor(`${reference.serviceName}.${entry.name}`, entry, given, flagFields);
    const useAsGiven = pattern !== undefined && given.length === 0;
    return bind(reference, entry, [useAsGiven ? { routingKeyPattern: pattern, ...fields } : fields], prefix);
  });
  return { values, bindings };
}

/** The catalog exchanges named among the arguments, so that their field flags parse. */
function catalogEntriesIn(args: readonly string[]): ExchangeEntry[] {
  const entries: ExchangeEntry[] = [];
  for (const arg of args) {
    if (arg.startsWith('-') || arg.startsWith('exchange/') || !isExchangeArgument(arg)) continue;
    try {
      entries.push(findExchange(arg).entry);
    } catch {
      // A misspelt exchange: reported with the positional arguments.
    }
  }
  return entries;
}

function groupByExchange(positionals: readonly string[]): ExchangeArgument[] {
  const exchanges: ExchangeArgument[] = [];
  for (const arg of positionals) {
    const current = exchanges[exchanges.length - 1];
    if (isExchangeArgument(arg)) exchanges.push({ name: arg, values: [] });
    else if (current) current.values.push(arg);
    else findExchange(arg); // not an exchange: says what is expected
  }
  if (exchanges.length === 0) findExchange(undefined);
  return exchanges;
}

/** Decodes the routing key of an exchange the catalog does not know as one field. */
const WHOLE_ROUTING_KEY = [{ name: 'routingKey', required: false, multipleWords: true }] as const;

function rawBinding(exchange: string, given: readonly string[], pattern: string | undefined): Binding {
  if (given.length > 1) throw new UsageError(`unexpected argument "${given[1]}"; a full exchange name takes at most one routing-key pattern`);
  const routingKeyPattern = given[0] ?? pattern ?? '#';
  // A Taskcluster exchange by its full name: its messages decode into fields as usual.
  const known = findExchangeByName(exchange);
  if (known) return bind(known.reference, known.entry, [{ routingKeyPattern }]);
  return { exchange, routingKeyPattern, routingKeyReference: WHOLE_ROUTING_KEY, name: exchange, serviceName: '', schema: '' };
}
