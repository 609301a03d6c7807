/**
 * The AMQP conformance suite against the real RabbitMQ on 127.0.0.1:5672:
 * the reference the memory broker is held to.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { defineConformanceSuite } from './support/conformance.js';

const run = promisify(execFile);
const url = process.env.TEST_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** The broker-side pid of the connection with this name (only ours: other suites share the broker). */
async function connectionPid(connectionName: string): Promise<string | undefined> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', '-q', '--no-table-headers', 'pid', 'client_properties'], {
    timeout: 30_000,
  });
  // rabbitmqctl prints the property as {"connection_name","x"} (older versions: "connection_name",longstr,"x").
  const line = stdout.split('\n').find((l) => l.includes(`"connection_name","${connectionName}"`) || l.includes(`"connection_name",longstr,"${connectionName}"`));
  return line?.split(/\s+/, 1)[0];
}

defineConformanceSuite({
  name: 'RabbitMQ',
  connect: (connectionName) =>
    amqplib.connect(url, { noDelay: true, ...(connectionName ? { clientProperties: { connection_name: connectionName } } : {}) }),
  async forceClose(_connection, connectionName, reason) {
    const pid = await connectionPid(connectionName);
    if (!pid) throw new Error(`rabbitmqctl does not list connection ${connectionName}`);
    await run('rabbitmqctl', ['close_connection', pid, reason], { timeout: 30_000 });
  },
});
