/** The process's memory brokers by name: created on first use, discarded on request. */
import { MemoryBroker } from './broker.js';
import { memoryBrokerName } from './memory-url.js';

// One broker per name, for the life of the process, like a server that stays up
// while clients come and go.
const brokers = new Map<string, MemoryBroker>();

/** The broker a `memory:` URL names, created empty on first use. */
export function getMemoryBroker(url: string | URL = 'memory://'): MemoryBroker {
  const name = memoryBrokerName(url);
  let broker = brokers.get(name);
  if (!broker) {
    broker = new MemoryBroker(name);
    brokers.set(name, broker);
  }
  return broker;
}

/**
 * Closes every connection to the named broker (as a server shutting down would)
 * and forgets it: the next connection finds an empty broker.
 */
export function discardMemoryBroker(url: string | URL = 'memory://'): void {
  const name = memoryBrokerName(url);
  const broker = brokers.get(name);
  if (!broker) return;
  brokers.delete(name);
  broker.forceCloseConnections({ reason: 'broker discarded' });
}
