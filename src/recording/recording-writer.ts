import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { recordLine, type PulseRecord } from './record.js';

/** Writes records to a file, one JSON line each, in the order given. */
export class RecordingWriter {
  #count = 0;
  #failure: Error | undefined;

  private constructor(
    private readonly handle: FileHandle,
    private readonly stream: Writable,
    /** The file written. */
    readonly path: string,
  ) {
    stream.on('error', (error: Error) => (this.#failure ??= error));
  }

  /** Creates (or truncates) the file now, so that a path that cannot be written is an error before anything else happens. */
  static async open(path: string): Promise<RecordingWriter> {
    if (typeof path !== 'string' || path === '') throw new TypeError('RecordingWriter: path must be a non-empty string');
    let handle: FileHandle;
    try {
      handle = await open(path, 'w');
    } catch (error) {
      throw new Error(`cannot write the recording to ${path}: ${(error as Error).message}`, { cause: error });
    }
    return new RecordingWriter(handle, handle.createWriteStream(), path);
  }

  /** Records written so far. */
  get count(): number {
    return this.#count;
  }

  write(record: PulseRecord): void {
    this.stream.write(`${recordLine(record)}\n`);
    this.#count++;
  }

  /** Flushes and closes the file; rejects if any write failed. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(resolve));
    await this.handle.close().catch(() => undefined);
    if (this.#failure) throw new Error(`writing the recording to ${this.path} failed: ${this.#failure.message}`, { cause: this.#failure });
  }
}
