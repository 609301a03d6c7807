/** Opening a connection to the memory broker, as `amqplib.connect` opens one to RabbitMQ. */
import type { SocketOptions } from 'amqplib';
import { MemoryConnection } from './connection.js';
import { getMemoryBroker } from './registry.js';

/**
 * Connects to the in-process broker a `memory:` URL names, with the same
 * promise API as `amqplib.connect`. Of the socket options only
 * `clientProperties.connection_name` means something in memory: it names the
 * connection, e.g. for `simulateConnectionLoss({connectionName})`.
 */
export async function connectMemoryBroker(url: string | URL = 'memory://', socketOptions?: SocketOptions): Promise<MemoryConnection> {
  const name = socketOptions?.clientProperties?.connection_name;
  return new MemoryConnection(getMemoryBroker(url), typeof name === 'string' ? name : undefined);
}
