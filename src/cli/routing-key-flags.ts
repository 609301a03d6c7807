import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ExchangeEntry } from '../references/types.js';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's arguments where each routing-key field of the exchange is
 * a flag (`--taskId abc`), next to the command's own options. An unknown flag is
 * an error that lists the exchange's fields.
 */
export function parseWithFieldFlags<O extends Options>(
  args: readonly string[],
  entry: ExchangeEntry,
  options: O,
): { values: Record<string, string | boolean | string[] | undefined>; fields: Record<string, string>; positionals: string[] } {
  const fieldNames = entry.routingKey.filter((k) => k.constant === undefined).map((k) => k.name);
  const all: Options = { ...options };
  for (const name of fieldNames) {
    if (name in all) continue; // the command's own option wins; never shadowed silently
    all[name] = { type: 'string' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: all, allowPositionals: true, strict: true });
  } catch (error) {
    const fieldList = `routing-key fields of ${entry.name}: ${fieldNames.map((n) => `--${n}`).join(' ') || '(none)'}`;
    const unknown = /Unknown option '(--?[^']+)'/.exec(error instanceof Error ? error.message : '');
    if (unknown) {
      const flag = unknown[1]!.replace(/^-+/, '');
      const near = [...fieldNames, ...Object.keys(options)].find((n) => n.toLowerCase() === flag.toLowerCase());
      throw new UsageError(`unknown option ${unknown[1]}${near ? ` (did you mean --${near}?)` : ''}; ${fieldList}`);
    }
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}; ${fieldList}`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const fields: Record<string, string> = {};
  for (const name of fieldNames) {
    const value = values[name];
    if (typeof value === 'string') fields[name] = value;
  }
  return { values, fields, positionals: parsed.positionals };
}
