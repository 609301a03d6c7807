/**
 * What a sweep scenario leaves behind, printed to stdout for the parent
 * test to search: every value in each way a bot could print it
 * (`util.inspect` deep, `JSON.stringify`, `String`, an error's stack and
 * `toJSON()`), plus the parts of the run that do not print themselves (CLI
 * output, logger records).
 */
import { inspect } from 'node:util';

export class Evidence {
  #count = 0;
  readonly #labels = new Set<string>();

  /** Prints `value` every way a bot might; `label` says where it came from. */
  record(label: string, value: unknown): void {
    this.#count++;
    this.#labels.add(label.split(':', 1)[0]!);
    const out = [`### ${label}`, inspect(value, { depth: 8, showHidden: false }), inspect(value, { depth: 8, showHidden: true }), json(value)];
    if (value instanceof Error) out.push(String(value), value.stack ?? '', ...causes(value));
    process.stdout.write(`${out.join('\n')}\n`);
  }

  /** Text that is evidence as it is (a child process's output). */
  text(label: string, text: string): void {
    this.#count++;
    this.#labels.add(label.split(':', 1)[0]!);
    process.stdout.write(`### ${label}\n${text}\n`);
  }

  get count(): number {
    return this.#count;
  }

  /** The scenario groups recorded (the part of each label before `:`). */
  get groups(): readonly string[] {
    return [...this.#labels];
  }
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch (error) {
    return `(JSON.stringify threw: ${(error as Error).message})`;
  }
}

/** The messages and stacks down an error's cause chain, as a logger walking it would print them. */
function causes(error: Error): string[] {
  const out: string[] = [];
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    out.push(cause instanceof Error ? `${cause.message}\n${cause.stack ?? ''}` : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return out;
}
