/**
 * Test helpers for the real RabbitMQ on 127.0.0.1:5672: unique names, a
 * publisher on its own amqplib connection (confirms on), and broker-side
 * faults aimed only at this test's own connections, since other suites share
 * the broker.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import amqplib from 'amqplib';

const run = promisify(execFile);

export const RABBIT_URL = process.env.TEST_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A name unique to this run, e.g. `pulse-test-3f2a9c1d`. */
export function uniqueName(prefix = 'pulse-test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export interface PublishOptions {
  /** Extra routing keys (task routes go here as `route.<route>`). */
  readonly cc?: readonly string[];
}

/** Publishes through a separate connection with publisher confirms, like a Taskcluster service. */
export class TestPublisher {
  private constructor(
    private readonly connection: amqplib.ChannelModel,
    private readonly channel: amqplib.ConfirmChannel,
    private readonly exchanges: string[],
  ) {}

  static async open(url = RABBIT_URL): Promise<TestPublisher> {
    return TestPublisher.on(await amqplib.connect(url, { noDelay: true, clientProperties: { connection_name: uniqueName('test-publisher') } }));
  }

  /** A publisher on a connection opened elsewhere (e.g. to the memory broker); it closes the connection when closed. */
  static async on(connection: amqplib.ChannelModel): Promise<TestPublisher> {
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return new TestPublisher(connection, channel, []);
  }

  /**
   * Declares a durable topic exchange, as Taskcluster does; durable so it
   * survives broker restarts. Deleted by `close()` unless `keep` (for the real
   * Taskcluster exchange names, which other suites may use too).
   */
  async exchange(name: string, options: { readonly keep?: boolean } = {}): Promise<string> {
    await this.channel.assertExchange(name, 'topic', { durable: true, autoDelete: false });
    if (!options.keep) this.exchanges.push(name);
    return name;
  }

  /** Publishes a JSON payload (or a raw body) persistently, and waits for the broker's confirm. */
  async publish(exchange: string, routingKey: string, body: unknown, options: PublishOptions = {}): Promise<void> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    await new Promise<void>((resolve, reject) => {
      this.channel.publish(
        exchange,
        routingKey,
        content,
        {
          persistent: true,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          ...(options.cc ? { CC: [...options.cc] } : {}),
        },
        (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      );
    });
  }

  /** A plain channel on the publisher's connection, for checks and deletions from outside the client. */
  async sideChannel(): Promise<amqplib.Channel> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    return channel;
  }

  /** Closes the connection, keeping the exchanges (e.g. across a broker restart). */
  async disconnect(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }

  /** Deletes the exchanges this publisher declared and closes its connection. */
  async close(): Promise<void> {
    try {
      const channel = await this.sideChannel();
      for (const exchange of this.exchanges) await channel.deleteExchange(exchange).catch(() => undefined);
      await channel.close().catch(() => undefined);
    } finally {
      await this.connection.close().catch(() => undefined);
    }
  }
}

/** Deletes queues by full name, ignoring ones already gone. */
export async function deleteQueues(...queues: string[]): Promise<void> {
  await deleteLeftovers(() => amqplib.connect(RABBIT_URL), { queues });
}

/** Deletes exchanges by full name, ignoring ones already gone. */
export async function deleteExchanges(...exchanges: string[]): Promise<void> {
  await deleteLeftovers(() => amqplib.connect(RABBIT_URL), { exchanges });
}

/**
 * Deletes queues and exchanges by full name on one connection `connect`
 * opens, each on a fresh channel (a failure closes only its channel),
 * ignoring ones already gone.
 */
export async function deleteLeftovers(
  connect: () => Promise<amqplib.ChannelModel>,
  leftovers: { readonly queues?: readonly string[]; readonly exchanges?: readonly string[] },
): Promise<void> {
  const { queues = [], exchanges = [] } = leftovers;
  if (queues.length + exchanges.length === 0) return;
  const connection = await connect();
  connection.on('error', () => undefined);
  const onSideChannel = async (action: (channel: amqplib.Channel) => Promise<unknown>) => {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await action(channel).catch(() => undefined);
    await channel.close().catch(() => undefined);
  };
  try {
    for (const queue of queues) await onSideChannel((channel) => channel.deleteQueue(queue));
    for (const exchange of exchanges) await onSideChannel((channel) => channel.deleteExchange(exchange));
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** A virtual host of this run's own on the test broker; see {@link privateVhost}. */
export interface PrivateVhost {
  /** The broker URL with this vhost. */
  readonly url: string;
  /** Consumers in the vhost: a process under test is ready once its consumer shows up. */
  consumers(): Promise<number>;
  /** Deletes the vhost with everything in it (queues, exchanges, bindings, connections). */
  remove(): Promise<void>;
}

/**
 * A virtual host of its own, for tests that must use fixed names (the real
 * Taskcluster exchanges, an example's queue name) without meeting other runs
 * on the shared broker, and without leaving those names behind on it.
 * Remove it in an `after` hook, so that it goes also when a test fails (as
 * {@link privateVhostFor} does for one test).
 */
export async function privateVhost(prefix = 'pulse-test'): Promise<PrivateVhost> {
  const vhost = uniqueName(prefix);
  await rabbitmqctl('add_vhost', vhost);
  const remove = async () => void (await rabbitmqctl('delete_vhost', vhost));
  try {
    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
  return {
    url: `${RABBIT_URL.replace(/\/+$/, '')}/${encodeURIComponent(vhost)}`,
    consumers: async () => (await rabbitmqctl('list_consumers', '-p', vhost, '-q', '--no-table-headers')).split('\n').filter((line) => line.trim()).length,
    remove,
  };
}

/** A private vhost for one test, removed after it whether it passes or fails. */
export async function privateVhostFor(t: TestContext, prefix?: string): Promise<PrivateVhost> {
  const vhost = await privateVhost(prefix);
  t.after(() => vhost.remove());
  return vhost;
}

/** Runs rabbitmqctl, returning stdout. */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', args, { timeout: 60_000 });
  return stdout;
}

/** Broker-side pids of the connections carrying this connection name. */
export async function connectionPids(connectionName: string): Promise<string[]> {
  const out = await rabbitmqctl('list_connections', '-q', '--no-table-headers', 'pid', 'client_properties');
  return out
    .split('\n')
    // rabbitmqctl prints properties as Erlang terms: {"connection_name","<name>"}.
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split(/\s+/, 1)[0]!)
    .filter((pid) => pid.startsWith('<'));
}

/**
 * Force-closes, from the broker side, every connection named `connectionName`
 * (and only those: other suites share the broker). Returns how many it closed.
 */
export async function killConnections(connectionName: string, reason = 'test: forced close'): Promise<number> {
  const pids = await connectionPids(connectionName);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, reason);
  return pids.length;
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with the next `consuming` event of a client: its subscription is bound and consuming. */
export function consumingOn(client: {
  once(event: 'consuming', listener: (info: { readonly queue: string; readonly consumerTag: string; readonly resumed: boolean }) => void): unknown;
}): Promise<{ readonly queue: string; readonly consumerTag: string; readonly resumed: boolean }> {
  return new Promise((resolve) => client.once('consuming', resolve));
}
