import { UsageError } from './usage-error.js';

/** `--routing-key-pattern` (as the library's `routingKeyPattern`), `--pattern` for short. */
export const patternFlags = {
  'routing-key-pattern': { type: 'string' },
  pattern: { type: 'string' },
} as const;

/** The raw routing-key pattern given, if any. */
export function patternFrom(values: Readonly<Record<string, unknown>>): string | undefined {
  const long = values['routing-key-pattern'];
  const short = values.pattern;
  if (typeof long === 'string' && typeof short === 'string') throw new UsageError('give --routing-key-pattern or --pattern, not both');
  return typeof long === 'string' ? long : typeof short === 'string' ? short : undefined;
}
