/** What a command gets from the process; tests run the real binary, so these are the real streams. */
export interface CommandContext {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly. */
  readonly signal: AbortSignal;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  /** Resolves to the exit code. */
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

export const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');
