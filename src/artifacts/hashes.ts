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

/** sha256 and sha512 of everything passed to `update`, and how many bytes that was. */
export class ContentHasher {
  private readonly sha256: Hash = createHash('sha256');
  private readonly sha512: Hash = createHash('sha512');
  bytes = 0;

  update(chunk: Uint8Array): void {
    this.sha256.update(chunk);
    this.sha512.update(chunk);
    this.bytes += chunk.length;
  }

  /** The digests (once: a hasher cannot go on after this). */
  digest(): { sha256: string; sha512: string } {
    return { sha256: this.sha256.digest('hex'), sha512: this.sha512.digest('hex') };
  }
}

/**
 * Throws `HashMismatch` if a recorded hash we computed differs, and
 * `NoAcceptableHash` if none of sha256/sha512 was recorded. Algorithms we do
 * not compute are ignored, as the official clients ignore them.
 */
export function verifyHashes(computed: ContentHashes, recorded: Readonly<Record<string, unknown>>, what: string): void {
  let checked = false;
  for (const algorithm of ACCEPTABLE) {
    const expected = recorded[algorithm];
    if (expected === undefined) continue;
    if (typeof expected !== 'string' || expected.toLowerCase() !== computed[algorithm]) {
      throw new ArtifactError({ code: 'HashMismatch', message: `${what}: the ${algorithm} of the bytes received does not match the one the Object service recorded` });
    }
    checked = true;
  }
  if (!checked) throw new ArtifactError({ code: 'NoAcceptableHash', message: `${what}: the Object service recorded no sha256 or sha512 to verify the bytes against` });
}
