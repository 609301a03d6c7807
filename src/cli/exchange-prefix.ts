import { UsageError } from './usage-error.js';

/** `--exchange-prefix`: publish or listen under another prefix than the service's. */
export const exchangePrefixFlag = { 'exchange-prefix': { type: 'string' } } as const;

/**
 * The `--exchange-prefix` value, checked: the exchange's name is appended to
 * it as is, so without a trailing "/" `foo` would silently become `footask-completed`.
 */
export function exchangePrefixFrom(values: Readonly<Record<string, unknown>>): string | undefined {
  const prefix = values['exchange-prefix'];
  if (typeof prefix !== 'string') return undefined;
  if (!prefix.endsWith('/')) {
    throw new UsageError(`--exchange-prefix must end with "/" (the exchange's name is appended to it), e.g. exchange/<user>/test/; got "${prefix}"`);
  }
  return prefix;
}
