/**
 * The scaffolding of a test file against the real broker: a publisher with
 * the file's exchanges, clients and queues made by its tests, and cleanup of
 * all of them after the file's tests.
 */
import { after, before } from 'node:test';
import { PulseClient, type PulseClientOptions } from '../../src/pulse/index.js';
import { deleteExchanges, deleteQueues, RABBIT_URL, TestPublisher, uniqueName } from './rabbit.js';

export interface RabbitSuite {
  /** Publishes on its own connection; available once the tests run. */
  readonly publisher: TestPublisher;
  /** A client on the test broker with a unique connection name; closed after the tests. */
  newClient(options?: Partial<PulseClientOptions>): PulseClient;
  /** A fresh short queue name; the queue is deleted after the tests. */
  queueFor(prefix: string): string;
  /** The `deadLetter` option for `queueName`: a fresh exchange and queue, both deleted after the tests. */
  deadLetterFor(queueName: string): { readonly exchange: string; readonly queue: string };
}

export function useRabbitSuite(setup: {
  /** Exchanges to declare (and delete afterwards). */
  readonly exchanges: readonly string[];
  /** Prefix of client connection names, so faults can aim at this file's connections. */
  readonly connectionPrefix: string;
  readonly clientDefaults?: Partial<PulseClientOptions>;
}): RabbitSuite {
  let publisher: TestPublisher | undefined;
  const clients: PulseClient[] = [];
  const queues: string[] = [];
  const deadLetterExchanges: string[] = [];
  before(async () => {
    publisher = await TestPublisher.open();
    for (const exchange of setup.exchanges) await publisher.exchange(exchange);
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await deleteQueues(...queues);
    await deleteExchanges(...deadLetterExchanges);
    await publisher?.close();
  });
  return {
    get publisher() {
      if (!publisher) throw new Error('the publisher opens in before()');
      return publisher;
    },
    newClient(options = {}) {
      const client = new PulseClient({ url: RABBIT_URL, connectionName: uniqueName(setup.connectionPrefix), closeTimeoutMs: 2_000, ...setup.clientDefaults, ...options });
      clients.push(client);
      return client;
    },
    queueFor(prefix) {
      const name = uniqueName(prefix);
      queues.push(`queue/guest/${name}`);
      return name;
    },
    deadLetterFor(queueName) {
      const deadLetter = { exchange: `${queueName}-dlx`, queue: `${queueName}-dead` };
      deadLetterExchanges.push(`exchange/guest/${deadLetter.exchange}`);
      queues.push(`queue/guest/${deadLetter.queue}`);
      return deadLetter;
    },
  };
}

/** Collects a client's `error` events. */
export function errorsOf(client: PulseClient): Error[] {
  const errors: Error[] = [];
  client.on('error', (error) => errors.push(error));
  return errors;
}
