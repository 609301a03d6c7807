/** A recording line that is not a valid record: names the file, the line, the field and the rule. */
export class RecordingError extends TypeError {
  override readonly name = 'RecordingError';

  constructor(
    /** The file (or `recording` for text given directly). */
    readonly source: string,
    /** Line number, counting from 1; 0 for a record given as an object (then `source` says which). */
    readonly line: number,
    /** The field at fault (`routingKey`, `properties.headers`), when there is one. */
    readonly field: string | undefined,
    readonly rule: string,
  ) {
    super(`${source}${line > 0 ? ` line ${line}` : ''}: ${field === undefined ? '' : `"${field}" `}${rule}`);
  }
}
