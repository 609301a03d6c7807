/**
 * The logger seam: any object with pino's method shape, structured fields
 * first. pino, bunyan-style loggers and small adapters over console fit.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PulseLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * A logger writing one JSON object per line, `{time, level, ...fields,
 * message}`, by default to stderr. Never throws: a field that cannot be
 * serialized costs the line its fields, not the caller its flow.
 */
export function jsonLineLogger(write: (line: string) => void = (line) => process.stderr.write(line)): PulseLogger {
  const log = (level: LogLevel) => (fields: object, message?: string) => {
    const time = new Date().toISOString();
    let line: string;
    try {
      line = JSON.stringify({ time, level, ...fields, ...(message !== undefined ? { message } : {}) });
    } catch {
      line = JSON.stringify({ time, level, message: message ?? '(unserializable log fields)' });
    }
    try {
      write(`${line}\n`);
    } catch {
      // A closed stderr must not take the client down with it.
    }
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
