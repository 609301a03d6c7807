import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** `-1`, `-0.5`, `-.5`: a value, not a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Parses a command's options and positional arguments, strictly: an unknown
 * flag is a usage error naming it (and the flag it probably meant). A negative
 * number after a flag that takes a value is that value (`--runId -1`), which
 * node's parseArgs would otherwise refuse as ambiguous.
 */
export function parseCommandLine(args: readonly string[], options: Options): { values: OptionValues; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals: true, strict: true });
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '(--?[^']+)'/.exec(message);
    if (unknown) {
      const near = nearestOption(unknown[1]!, Object.keys(options));
      throw new UsageError(`unknown option ${unknown[1]}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    // node's advice about '--' and '=' does not fit a CLI whose values are never dashes.
    throw new UsageError(message.replace(/\s*(Did you forget|To specify)[\s\S]*$/, ''));
  }
}

/**
 * Refuses positional arguments beyond the `allowed` ones, naming the first
 * extra one; `expected` says what the command takes, e.g. `at most one <service>`.
 */
export function checkNoExtraArguments(positionals: readonly string[], allowed: number, expected: string): void {
  if (positionals.length > allowed) throw new UsageError(`unexpected argument "${positionals[allowed]}"; ${expected}`);
}

function joinNegativeValues(args: readonly string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

const normalize = (name: string) => name.replace(/^-+/, '').replace(/[-_]/g, '').toLowerCase();

/** The option a misspelt flag most likely meant: same letters, other case or dashes (`--taskid`, `--task-id`). */
function nearestOption(flag: string, names: readonly string[]): string | undefined {
  return names.find((name) => normalize(name) === normalize(flag));
}
