/** What a download learned from the storage's answer, before the first byte. */
export interface ResponseInfo {
  /** `Content-Type`, or `application/octet-stream` when storage sent none. */
  readonly contentType: string;
  /** The size storage announced (of the bytes on the wire), if it did. */
  readonly contentLength: number | undefined;
  /** `Content-Encoding` (S3 keeps logs gzipped), lower case, if any. */
  readonly contentEncoding: string | undefined;
}

/**
 * Where downloaded bytes go, in order and exactly once each (a retry resumes
 * after the bytes already written).
 */
export interface ByteSink {
  /** The first answer arrived: called once, before any `write`. */
  open(info: ResponseInfo): void;
  /** Takes a chunk; false asks the transfer to pause until `onDrain`'s callback runs. */
  write(chunk: Buffer): boolean;
  /** Calls `resume` once the sink can take more after `write` returned false. */
  onDrain(resume: () => void): void;
  /** Every byte arrived: flush and commit (rename a file, end a stream). */
  close(): Promise<void>;
  /** The transfer failed: discard what was written. */
  fail(error: Error): Promise<void>;
}
