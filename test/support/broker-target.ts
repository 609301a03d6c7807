/**
 * The brokers the listening suites run on: the real RabbitMQ and the embedded
 * memory broker, behind one small interface, so one scenario runs unchanged
 * on both (as the AMQP conformance suite does at the amqplib level).
 */
import amqplib, { type ChannelModel } from 'amqplib';
import { connectMemoryBroker, discardMemoryBroker, getMemoryBroker } from '../../src/memory-broker/index.js';
import { connectionPids, killConnections, RABBIT_URL, uniqueName } from './rabbit.js';

export interface BrokerTarget {
  /** For test titles: `RabbitMQ`, `the memory broker`. */
  readonly name: string;
  /** What clients connect with. */
  readonly url: string;
  /** Opens a connection outside any client (publishers, side channels), with amqplib's promise API. */
  connect(connectionName?: string): Promise<ChannelModel>;
  /**
   * Closes every connection named `connectionName` from the broker side (320
   * CONNECTION_FORCED, as `rabbitmqctl close_connection`); returns how many.
   */
  forceClose(connectionName: string, reason?: string): Promise<number>;
  /** What the environment must hold for `PulseClient.fromEnv()` to reach this broker. */
  readonly defaultClientEnv: Readonly<Record<string, string>>;
  /** Open connections named `connectionName`. */
  connectionCount(connectionName: string): Promise<number>;
  /** After the suite's own cleanup: lets go of the broker (a memory broker is discarded). */
  dispose(): void;
}

/** The shared RabbitMQ on 127.0.0.1:5672; faults aim only at this run's connections, by name. */
export const rabbitTarget: BrokerTarget = {
  name: 'RabbitMQ',
  url: RABBIT_URL,
  // Nothing set means a local broker as guest.
  defaultClientEnv: process.env.TEST_RABBIT_URL ? { PULSE_URL: RABBIT_URL } : {},
  connect: (connectionName) =>
    amqplib.connect(RABBIT_URL, { noDelay: true, ...(connectionName ? { clientProperties: { connection_name: connectionName } } : {}) }),
  forceClose: (connectionName, reason) => killConnections(connectionName, reason),
  connectionCount: async (connectionName) => (await connectionPids(connectionName)).length,
  dispose: () => undefined,
};

/** A fresh embedded broker (`memory://<prefix>-<hex>`), for one suite: discarded after it. */
export function memoryTarget(prefix: string): BrokerTarget {
  const url = `memory://${uniqueName(prefix)}`;
  return {
    name: 'the memory broker',
    url,
    defaultClientEnv: { PULSE_URL: url },
    connect: async (connectionName) => connectMemoryBroker(url, connectionName ? { clientProperties: { connection_name: connectionName } } : undefined),
    forceClose: async (connectionName, reason) => getMemoryBroker(url).forceCloseConnections({ connectionName, ...(reason ? { reason } : {}) }),
    connectionCount: async (connectionName) => getMemoryBroker(url).connectionNames().filter((name) => name === connectionName).length,
    dispose: () => discardMemoryBroker(url),
  };
}
