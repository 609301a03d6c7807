import { pipeline } from 'node:stream/promises';
import type { StreamDownload } from '../artifacts/targets.js';

/**
 * Copies a download to standard output as it arrives (the transfer pauses
 * while the reader is slow), then waits for the download's verdict: a hash
 * mismatch at the end is still a failure. Standard output stays open.
 */
export async function writeToStdout(download: StreamDownload, stdout: NodeJS.WritableStream): Promise<void> {
  await pipeline(download.stream, stdout, { end: false });
  await download.done;
}
