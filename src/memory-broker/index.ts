/**
 * The embedded broker: an in-process stand-in for RabbitMQ with amqplib's
 * promise API, for fast tests and demos. Faithful for what this library uses
 * (see docs/testing.md); not for production.
 */
import { registerMemoryConnector } from './pulse-connector.js';

export { connectMemoryBroker } from './connect.js';
export { discardMemoryBroker, getMemoryBroker } from './registry.js';
export { isMemoryUrl, memoryBrokerName, MEMORY_SCHEME } from './memory-url.js';
export type { MemoryBroker, PublishOutcome, QueueInfo } from './broker.js';
export type { MemoryChannel } from './channel.js';
export type { MemoryConnection } from './connection.js';
export { registerMemoryConnector } from './pulse-connector.js';

// Importing the broker is what makes `memory://` URLs work.
registerMemoryConnector();
