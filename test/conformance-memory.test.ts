/**
 * The AMQP conformance suite against the embedded memory broker: the same
 * scenarios as against RabbitMQ, which is what makes the broker faithful.
 */
import { connectMemoryBroker, type MemoryConnection } from '../src/memory-broker/index.js';
import { defineConformanceSuite } from './support/conformance.js';

defineConformanceSuite({
  name: 'the memory broker',
  connect: () => connectMemoryBroker('memory://conformance'),
  async forceClose(connection, _connectionName, reason) {
    (connection as MemoryConnection).forceClose(reason);
  },
});
