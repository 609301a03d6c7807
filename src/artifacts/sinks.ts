/**
 * The places a download can go: memory, a file (written under a temporary
 * name and renamed once complete and verified), or a stream the caller reads.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import type { ByteSink, ResponseInfo } from './byte-sink.js';

/** Collects the bytes in memory. */
export class BufferSink implements ByteSink {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  open(): void {}
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return true;
  }
  onDrain(resume: () => void): void {
    resume();
  }
  async close(): Promise<void> {}
  async fail(): Promise<void> {
    this.chunks.length = 0;
  }
  size(): number {
    return this.bytes;
  }
  data(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
  }
}

/**
 * Writes to `<dir>/.<name>.<random>.partial` and renames it to `path` only
 * on close: a reader never sees half a file under its final name, and a
 * failed download leaves nothing behind.
 */
export class FileSink implements ByteSink {
  private readonly temporary: string;
  private stream: WriteStream | undefined;
  private error: Error | undefined;
  private bytes = 0;

  constructor(readonly path: string) {
    this.temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  }

  open(): void {
    // 'wx': never truncate someone else's file of that name.
    this.stream = createWriteStream(this.temporary, { flags: 'wx', highWaterMark: 1 << 20 });
    this.stream.on('error', (error) => (this.error ??= error));
  }
  write(chunk: Buffer): boolean {
    if (this.error) throw this.error;
    this.bytes += chunk.length;
    return this.stream!.write(chunk);
  }
  onDrain(resume: () => void): void {
    this.stream!.once('drain', resume);
  }
  size(): number {
    return this.bytes;
  }
  async close(): Promise<void> {
    const stream = this.stream ?? this.openEmpty();
    stream.end();
    await closed(stream);
    if (this.error) {
      await this.removeTemporary();
      throw this.error;
    }
    await rename(this.temporary, this.path);
  }
  async fail(): Promise<void> {
    if (this.stream && !this.stream.closed) {
      this.stream.destroy();
      await closed(this.stream);
    }
    await this.removeTemporary();
  }

  private openEmpty(): WriteStream {
    this.open();
    return this.stream!;
  }
  private async removeTemporary(): Promise<void> {
    await unlink(this.temporary).catch(() => {});
  }
}

/** Resolves once `stream` closed, whether it failed or not (its errors are kept by the sink). */
function closed(stream: WriteStream): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

/** Hands the bytes to a Readable the caller consumes; its backpressure pauses the transfer. */
export class StreamSink implements ByteSink {
  private drain: (() => void) | undefined;
  private bytes = 0;
  readonly stream = new Readable({
    highWaterMark: 1 << 20,
    read: () => {
      const resume = this.drain;
      this.drain = undefined;
      resume?.();
    },
  });

  open(): void {}
  write(chunk: Buffer): boolean {
    if (this.stream.destroyed) throw new Error('the download stream was destroyed by its reader');
    this.bytes += chunk.length;
    return this.stream.push(chunk);
  }
  onDrain(resume: () => void): void {
    this.drain = resume;
  }
  size(): number {
    return this.bytes;
  }
  async close(): Promise<void> {
    this.stream.push(null);
  }
  async fail(error: Error): Promise<void> {
    this.stream.destroy(error);
  }
}

/** Undoes a `Content-Encoding` (gzip, deflate, br) on the way to `inner`. */
export class DecodingSink implements ByteSink {
  private decoder: Transform | undefined;
  private error: Error | undefined;

  constructor(
    private readonly inner: ByteSink,
    private readonly createDecoder: (encoding: string) => Transform | undefined,
  ) {}

  open(info: ResponseInfo): void {
    this.inner.open(info);
    const decoder = info.contentEncoding === undefined ? undefined : this.createDecoder(info.contentEncoding);
    if (!decoder) return;
    this.decoder = decoder;
    decoder.on('error', (error) => (this.error ??= error));
    decoder.on('data', (chunk: Buffer) => {
      try {
        if (!this.inner.write(chunk)) {
          decoder.pause();
          this.inner.onDrain(() => decoder.resume());
        }
      } catch (error) {
        this.error ??= error as Error;
        decoder.destroy();
      }
    });
  }
  write(chunk: Buffer): boolean {
    if (this.error) throw this.error;
    return this.decoder ? this.decoder.write(chunk) : this.inner.write(chunk);
  }
  onDrain(resume: () => void): void {
    if (this.decoder) this.decoder.once('drain', resume);
    else this.inner.onDrain(resume);
  }
  async close(): Promise<void> {
    if (this.decoder) {
      const ended = once(this.decoder, 'end');
      this.decoder.end();
      try {
        await ended;
      } catch (error) {
        this.error ??= error as Error;
      }
      if (this.error) throw this.error;
    }
    await this.inner.close();
  }
  async fail(error: Error): Promise<void> {
    this.decoder?.destroy();
    await this.inner.fail(error);
  }
}
