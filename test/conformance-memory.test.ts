/**
 * The AMQP conformance suite against the embedded memory broker: the same
 * scenarios as against RabbitMQ, which is what makes the broker faithful.
 */
import assert from 'node:assert/strict';
import { connectMemoryBroker, getMemoryBroker } from '../src/memory-broker/index.js';
import { defineConformanceSuite } from './support/conformance.js';

const url = 'memory://conformance';

defineConformanceSuite({
  name: 'the memory broker',
  connect: (connectionName) => connectMemoryBroker(url, connectionName ? { clientProperties: { connection_name: connectionName } } : undefined),
  async forceClose(_connection, connectionName, reason) {
    assert.equal(getMemoryBroker(url).forceCloseConnections({ connectionName, reason }), 1);
  },
});
