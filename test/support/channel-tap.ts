/**
 * A connector for a scheme of a test's own that opens real connections to a
 * broker target and shows the test every channel the client opens on them,
 * for faults no broker makes on demand (an ack of an unknown tag, a cancel).
 */
import { type AmqpChannel, type AmqpConnection, registerConnector } from '../../src/pulse/index.js';
import type { BrokerTarget } from './broker-target.js';

/** Registers `scheme` (e.g. `faulty-rabbitmq:`) so that each channel opened through it goes to `tap` first. */
export function registerTappedConnector(target: BrokerTarget, scheme: string, tap: (channel: AmqpChannel) => void): void {
  registerConnector(scheme, async (_url, socketOptions) => {
    const name = socketOptions.clientProperties?.['connection_name'];
    const connection: AmqpConnection = await target.connect(typeof name === 'string' ? name : undefined);
    const createChannel = connection.createChannel.bind(connection);
    connection.createChannel = async () => {
      const channel = await createChannel();
      tap(channel);
      return channel;
    };
    return connection;
  });
}
