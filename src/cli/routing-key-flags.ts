import type { ExchangeEntry } from '../references/types.js';
import { parseCommandLine, type OptionValues, type Options } from './command-line.js';
import { UsageError } from './usage-error.js';

/** The routing-key entries a user can give a value for (constants are filled in). */
export const fieldNamesOf = (entry: ExchangeEntry): string[] => entry.routingKey.filter((k) => k.constant === undefined).map((k) => k.name);

/**
 * Parses a command's arguments where each routing-key field of the exchanges
 * is a flag (`--taskId abc`), next to the command's own options. An unknown
 * flag is an error that lists the exchanges' fields.
 */
export function parseWithFieldFlags(
  args: readonly string[],
  entries: ExchangeEntry | readonly ExchangeEntry[],
  options: Options,
): { values: OptionValues; flagFields: Record<string, string>; positionals: string[] } {
  const list: readonly ExchangeEntry[] = Array.isArray(entries) ? entries : [entries as ExchangeEntry];
  const fieldNames = [...new Set(list.flatMap(fieldNamesOf))];
  const all: Options = { ...options };
  for (const name of fieldNames) {
    if (name in all) continue; // the command's own option wins; never shadowed silently
    all[name] = { type: 'string' };
  }
  let parsed;
  try {
    parsed = parseCommandLine(args, all);
  } catch (error) {
    const fieldList = list.length === 0
      ? 'routing-key field flags are for <service>.<exchange> arguments'
      : `routing-key fields of ${list.map((e) => e.name).join(', ')}: ${fieldNames.map((n) => `--${n}`).join(' ') || '(none)'}`;
    throw new UsageError(`${(error as Error).message}; ${fieldList}`);
  }
  const flagFields: Record<string, string> = {};
  for (const name of fieldNames) {
    const value = parsed.values[name];
    if (typeof value === 'string') flagFields[name] = value;
  }
  return { values: parsed.values, flagFields, positionals: parsed.positionals };
}

/**
 * Routing-key fields from positional values and field flags together.
 * Positional values fill the exchange's fields in order, as in the library
 * (`taskCompleted('abc')` is taskId abc); a flag for a field the exchange does
 * not have, a field given twice, or a value too many is a usage error.
 */
export function fieldsFor(label: string, entry: ExchangeEntry, values: readonly string[], flagFields: Readonly<Record<string, string>>): Record<string, string> {
  const names = fieldNamesOf(entry);
  if (values.length > names.length) {
    throw new UsageError(
      `unexpected argument "${values[names.length]}"; ${label} takes at most ${names.length} routing-key values, in order: ${names.join(', ')}`,
    );
  }
  const fields: Record<string, string> = {};
  values.forEach((value, i) => (fields[names[i]!] = value));
  for (const [name, value] of Object.entries(flagFields)) {
    if (!names.includes(name)) throw new UsageError(`--${name} is not a routing-key field of ${label}; its fields: ${names.join(', ')}`);
    if (name in fields) throw new UsageError(`${name} is given twice: "${fields[name]}" as a positional value and --${name} "${value}"`);
    fields[name] = value;
  }
  return fields;
}

/** The required fields a message cannot be published without, all of them at once. */
export function missingRequiredFields(entry: ExchangeEntry, fields: Readonly<Record<string, string>>): string[] {
  return entry.routingKey.filter((k) => k.required && k.constant === undefined && !(k.name in fields)).map((k) => k.name);
}
