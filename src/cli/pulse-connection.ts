import type { BrokerAddress } from '../pulse/broker-address.js';
import { optionsFromEnv, resolveClientOptions } from '../pulse/client-options.js';
import { PulseClient } from '../pulse/pulse-client.js';
import { registerMemoryConnector } from '../memory-broker/pulse-connector.js';

// As the help says, `--pulse-url memory://` runs a command on an in-process broker.
registerMemoryConnector();

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

/**
 * The broker from `--pulse-url`, else the environment, resolved as
 * `PulseClient.fromEnv()` does: checked before any I/O, password kept out of
 * every message.
 */
export function pulseAddressFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv): BrokerAddress {
  const url = values['pulse-url'];
  return resolveClientOptions(typeof url === 'string' ? { url } : optionsFromEnv(env)).addresses[0]!;
}
