/**
 * Content hashes as the Object service records them (hex digests by
 * algorithm), computed as the bytes stream past, and checked the way the
 * official clients check them.
 */
import { createHash, type Hash } from 'node:crypto';
import { ArtifactError } from './artifact-error.js';

/** Hex digests by algorithm, as `finishUpload` takes and `startDownload` answers them. */
export interface ContentHashes {
  readonly sha256?: string | undefined;
  readonly sha512?: string | undefined;
}

/** The algorithms the Object service's schemas accept; at least one must be checked. */
const ACCEPTABLE = ['sha256', 'sha512'] as const;
export type HashAlgorithm = (typeof ACCEPTABLE)[number];

/** Digests of `algorithms` (default sha256 and sha512) of everything passed to `update`, and how many bytes that was. */
export class ContentHasher<A extends HashAlgorithm = HashAlgorithm> {
  private readonly hashes: readonly (readonly [A, Hash])[];
  bytes = 0;

  constructor(algorithms: readonly A[] = ACCEPTABLE as unknown as readonly A[]) {
    this.hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  }

  update(chunk: Uint8Array): void {
    for (const [, hash] of this.hashes) hash.update(chunk);
    this.bytes += chunk.length;
  }

  /** Hex digests by algorithm (once: a hasher cannot go on after this). */
  digest(): Record<A, string> {
    return Object.fromEntries(this.hashes.map(([algorithm, hash]) => [algorithm, hash.digest('hex')])) as Record<A, string>;
  }
}

/**
 * What a download computes to check against `recorded`: sha256 alone when
 * the service recorded it (one strong hash is the verification; sha512 would
 * double the CPU a download costs), else sha512; both when neither is known.
 */
export function algorithmsToVerify(recorded: Readonly<Record<string, unknown>>): readonly HashAlgorithm[] {
  const found = ACCEPTABLE.find((algorithm) => typeof recorded[algorithm] === 'string');
  return found ? [found] : ACCEPTABLE;
}

/**
 * Throws `HashMismatch` if a recorded hash we computed differs, and
 * `NoAcceptableHash` if no sha256/sha512 was both recorded and computed.
 * Algorithms we do not compute are ignored, as the official clients ignore them.
 */
export function verifyHashes(computed: ContentHashes, recorded: Readonly<Record<string, unknown>>, what: string): void {
  let checked = false;
  for (const algorithm of ACCEPTABLE) {
    const expected = recorded[algorithm];
    if (expected === undefined || computed[algorithm] === undefined) continue;
    if (typeof expected !== 'string' || expected.toLowerCase() !== computed[algorithm]) {
      throw new ArtifactError({ code: 'HashMismatch', message: `${what}: the ${algorithm} of the bytes received does not match the one the Object service recorded` });
    }
    checked = true;
  }
  if (!checked) throw new ArtifactError({ code: 'NoAcceptableHash', message: `${what}: the Object service recorded no sha256 or sha512 to verify the bytes against` });
}
