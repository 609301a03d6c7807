/**
 * What the tests of the workflow examples that follow a task group run
 * against: the fake deployment, started before a file's tests and closed after
 * them with every REST connection; and, for each test, a Pulse client and a
 * publisher on the embedded broker or on a RabbitMQ vhost of the test's own,
 * with the queue's exchanges declared.
 */
import { after, before, type TestContext } from 'node:test';
import { closeConnections, PulseClient, Queue, QueueEvents } from '../../src/index.js';
import { PulsePublisher, startFakeTaskcluster, type FakeTaskcluster } from '../../src/testing/index.js';
import { privateVhostFor, uniqueName } from './rabbit.js';

export type ExampleBroker = 'the embedded broker' | 'RabbitMQ';

export interface ExampleSetup {
  readonly fake: FakeTaskcluster;
  readonly pulse: PulseClient;
  readonly publisher: PulsePublisher;
  /** A Queue client of the fake deployment. */
  readonly queue: Queue;
}

/** Starts the fake deployment for this file; `setUp` prepares one test (its clients closed after it). */
export function useExampleDeployment(): { setUp(t: TestContext, broker: ExampleBroker, prefix: string): Promise<ExampleSetup> } {
  let fake: FakeTaskcluster;
  before(async () => {
    fake = await startFakeTaskcluster();
  });
  after(async () => {
    await closeConnections();
    await fake.close();
  });
  return {
    async setUp(t, broker, prefix) {
      const url = broker === 'RabbitMQ' ? (await privateVhostFor(t, prefix)).url : `memory://${uniqueName(prefix)}`;
      const pulse = new PulseClient({ url });
      const publisher = new PulsePublisher({ url });
      t.after(() => Promise.all([pulse.close(), publisher.close()]));
      await publisher.declareExchanges(QueueEvents);
      return { fake, pulse, publisher, queue: new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials }) };
    },
  };
}
