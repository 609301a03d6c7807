/** Registering the memory broker as the connector for `memory://` URLs (the Pulse client never loads it by itself). */
import { registerConnector } from '../pulse/connectors.js';
import { connectMemoryBroker } from './connect.js';
import { MEMORY_SCHEME } from './memory-url.js';

/**
 * Makes `memory://` URLs open the embedded broker wherever a broker URL is
 * taken (PulseClient, PulsePublisher, the CLI). The Pulse client never loads
 * the broker by itself, so a production bot carries none of it; importing the
 * test kit or this module calls this. Calling it again changes nothing.
 */
export function registerMemoryConnector(): void {
  registerConnector(MEMORY_SCHEME, connectMemoryBroker);
}
