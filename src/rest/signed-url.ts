import { ApiArgumentError } from './api-argument-error.js';
import { isPlainObject } from './call-arguments.js';
import type { CompiledEntry } from './compiled-entry.js';
import type { Site } from './endpoint.js';
import type { HawkSigner } from './hawk-signer.js';

export interface SignedUrlOptions {
  /** Seconds the URL stays valid. Default 900 (15 minutes). */
  readonly expiration?: number;
}

export const DEFAULT_EXPIRATION_SECONDS = 15 * 60;

/**
 * Splits buildSignedUrl's trailing `{expiration}` from the method's arguments:
 * it is an extra argument past what the method takes, or an object whose only
 * key is `expiration` when the method has no query key of that name.
 */
export function splitSignedUrlOptions(
  entry: CompiledEntry,
  args: readonly unknown[],
): { callArgs: readonly unknown[]; expiration: number } {
  const last = args[args.length - 1];
  const maxCallArgs = entry.positionalCount + (entry.queryKeys.size > 0 ? 1 : 0);
  const isOptions =
    args.length > Math.max(maxCallArgs, 1) ||
    (isPlainObject(last) && Object.keys(last).length === 1 && 'expiration' in last && !entry.queryKeys.has('expiration'));
  if (!isOptions) return { callArgs: args, expiration: DEFAULT_EXPIRATION_SECONDS };
  const fail = (rule: string) => new ApiArgumentError(entry.fullName, 'expiration', rule);
  if (!isPlainObject(last)) throw fail(`the last argument of buildSignedUrl must be {expiration}, got ${typeof last}`);
  for (const key of Object.keys(last)) {
    if (key !== 'expiration') throw new ApiArgumentError(entry.fullName, key, 'is not a buildSignedUrl option; it takes {expiration}');
  }
  const expiration = last.expiration ?? DEFAULT_EXPIRATION_SECONDS;
  if (typeof expiration !== 'number' || !Number.isInteger(expiration) || expiration <= 0) {
    throw fail(`must be a positive whole number of seconds, got ${String(expiration)}`);
  }
  return { callArgs: args.slice(0, -1), expiration };
}

/**
 * The URL of `pathname` and `search` at `site`, with a bewit query parameter
 * valid for `expiration` seconds. The bewit is computed over these very
 * strings, never over a re-parse of the URL (which could escape characters the
 * returned URL keeps, and so sign another URL than the one handed out).
 */
export function signedUrl(
  signer: HawkSigner,
  site: Site,
  pathname: string,
  search: string,
  expiration: number,
): string {
  const bewit = signer.bewit(site.signingTarget, pathname, search, expiration);
  return `${site.origin}${pathname}${search}${search === '' ? '?' : '&'}bewit=${bewit}`;
}
