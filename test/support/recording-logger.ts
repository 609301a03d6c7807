/** A PulseLogger that keeps what it is given, for assertions. */
import type { LogLevel, PulseLogger } from '../../src/pulse/index.js';

export interface LogEntry {
  readonly level: LogLevel;
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

export function recordingLogger(): { logger: PulseLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogLevel) => (fields: object, message?: string) => void entries.push({ level, fields: fields as Record<string, unknown>, message });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}
