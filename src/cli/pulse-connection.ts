import { optionsFromEnv, resolveClientOptions } from '../pulse/client-options.js';
import { PulseClient } from '../pulse/pulse-client.js';

/** Flags every command that talks to Pulse accepts. */
export const pulseFlags = {
  'pulse-url': { type: 'string' },
} as const;

export const pulseFlagsHelp = `Connection:
  --pulse-url <url>  broker URL, e.g. amqps://user:password@pulse.example.com:5671/vhost
                     (memory:// for the embedded broker). Default: PULSE_URL, or
                     PULSE_USERNAME/PULSE_PASSWORD/PULSE_HOSTNAME[/PULSE_VHOST], or
                     amqp://guest:guest@localhost:5672.`;

/** A client from `--pulse-url`, else from the environment, as the library's `PulseClient.fromEnv()`. */
export function pulseClientFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv): PulseClient {
  const url = values['pulse-url'];
  return new PulseClient(typeof url === 'string' ? { url } : optionsFromEnv(env));
}

/** The broker URL from `--pulse-url`, else the environment, resolved as `PulseClient.fromEnv()` does. */
export function pulseUrlFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const url = values['pulse-url'];
  return typeof url === 'string' ? url : resolveClientOptions(optionsFromEnv(env)).urls[0]!;
}
