import type { SocketOptions } from 'amqplib';
import { MemoryConnection } from './connection.js';
import { getMemoryBroker } from './registry.js';

/**
 * Connects to the in-process broker a `memory:` URL names, with the same
 * promise API as `amqplib.connect`. Socket options mean nothing in memory and
 * are ignored.
 */
export async function connectMemoryBroker(url: string | URL = 'memory://', _socketOptions?: SocketOptions): Promise<MemoryConnection> {
  return new MemoryConnection(getMemoryBroker(url));
}
