/**
 * The scaffolding of a test file against one broker target (RabbitMQ or the
 * memory broker): a publisher with the file's exchanges, clients and queues
 * made by its tests, and cleanup of all of them after the file's tests.
 */
import { after, before } from 'node:test';
import { PulseClient, type PulseClientOptions } from '../../src/pulse/index.js';
import type { BrokerTarget } from './broker-target.js';
import { deleteLeftovers, TestPublisher, uniqueName } from './rabbit.js';

export interface BrokerSuite {
  readonly target: BrokerTarget;
  /** Publishes on its own connection; available once the tests run. */
  readonly publisher: TestPublisher;
  /** A client on the target with a unique connection name; closed after the tests. */
  newClient(options?: Partial<PulseClientOptions>): PulseClient;
  /** A fresh short queue name; the queue is deleted after the tests. */
  queueFor(prefix: string): string;
  /** The `deadLetter` option for `queueName`: a fresh exchange and queue, both deleted after the tests. */
  deadLetterFor(queueName: string): { readonly exchange: string; readonly queue: string };
}

export interface BrokerSuiteSetup {
  /** Exchanges to declare (and delete afterwards). */
  readonly exchanges: readonly string[];
  /** Prefix of client connection names, so faults can aim at this file's connections. */
  readonly connectionPrefix: string;
  readonly clientDefaults?: Partial<PulseClientOptions>;
}

/** One suite per target: the target is disposed of after the suite's cleanup. */
export function useBrokerSuite(target: BrokerTarget, setup: BrokerSuiteSetup): BrokerSuite {
  let publisher: TestPublisher | undefined;
  const clients: PulseClient[] = [];
  const queues: string[] = [];
  const deadLetterExchanges: string[] = [];
  before(async () => {
    publisher = await TestPublisher.on(await target.connect(uniqueName('test-publisher')));
    for (const exchange of setup.exchanges) await publisher.exchange(exchange);
  });
  after(async () => {
    // Each step even if one before it failed: the shared RabbitMQ must be left clean.
    const steps: Array<() => Promise<unknown>> = [
      () => Promise.all(clients.map((client) => client.close())),
      () => deleteLeftovers(() => target.connect(), { queues, exchanges: deadLetterExchanges }),
      async () => publisher?.close(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    target.dispose();
    if (failures.length > 0) throw new AggregateError(failures, 'cleaning up after the suite');
  });
  return {
    target,
    get publisher() {
      if (!publisher) throw new Error('the publisher opens in before()');
      return publisher;
    },
    newClient(options = {}) {
      const client = new PulseClient({ url: target.url, connectionName: uniqueName(setup.connectionPrefix), closeTimeoutMs: 2_000, ...setup.clientDefaults, ...options });
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
