/**
 * Held messages (`consumerTimeoutMs`) in the consume pump, on fakes and a
 * fake clock: the order of the move (copy confirmed, then ack), a handler
 * ending while its message is being moved, a move that fails, and a held
 * run whose channel goes. On a real broker: pulse-consume-ack-timeout.test.ts.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { AmqpMessage } from '../src/pulse/amqp-api.js';
import { resolveConsumeSettings } from '../src/pulse/consume-options.js';
import type { ConsumeOutcome } from '../src/pulse/consume-outcome.js';
import { ConsumeSession } from '../src/pulse/consume-session.js';
import type { CopyPublisher, ReceivedMessage } from '../src/pulse/pulse-message.js';
import { resolveQueueOptions } from '../src/pulse/queue-options.js';
import { RetryRoute } from '../src/pulse/retry-queue.js';
import { FakeDeliveryChannel, receivedMessage } from './support/delivery-fakes.js';
import { ControlledHandler, flush } from './support/session-fixture.js';

/** Records what a consumer's copy channel is asked to do, as `declare held`, `publish hold`, `delete held`; `gate` holds back the declaration. */
class FakeCopyPublisher implements CopyPublisher {
  readonly log: string[] = [];
  gate: Promise<void> = Promise.resolve();
  failDeclare = false;

  constructor(private readonly name: string) {}

  readonly queues = {
    assertQueue: async (queue: string) => {
      await this.gate;
      if (this.failDeclare) throw new Error('ACCESS_REFUSED');
      this.log.push(`${this.name}: declare ${shorten(queue)}`);
      return { queue, messageCount: 0, consumerCount: 0 };
    },
    bindQueue: async () => undefined,
    deleteQueue: async (queue: string) => (this.log.push(`${this.name}: delete ${shorten(queue)}`), { messageCount: 0 }),
  };

  async publish(_message: ReceivedMessage, delayMs: number): Promise<void> {
    this.log.push(`${this.name}: retry copy wait.${delayMs}`);
  }

  async publishCopy(_message: ReceivedMessage, _exchange: string, routingKey: string): Promise<void> {
    this.log.push(`${this.name}: copy ${routingKey.startsWith('hold.') ? 'hold' : routingKey}`);
  }
}

const shorten = (queue: string) => queue.replace(/\/held\/[0-9a-f-]{36}$/, '/held/<id>');

class ChannelWithCopies extends FakeDeliveryChannel {
  constructor(readonly retryPublisher: FakeCopyPublisher) {
    super();
  }

  override settle(raw: AmqpMessage, operation: 'ack' | 'nack', requeue: boolean) {
    const result = super.settle(raw, operation, requeue);
    if (result === 'sent') this.retryPublisher.log.push(`${operation} ${raw.fields.deliveryTag}`);
    return result;
  }
}

/** consumerTimeoutMs 10 s: moved at 9 s; handlerTimeoutMs 20 s. */
function heldSession(t: TestContext, handler: (message: ReceivedMessage) => unknown) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const outcomes: ConsumeOutcome<ReceivedMessage, unknown>[] = [];
  const reports: Error[] = [];
  const settings = resolveConsumeSettings({ queueName: 'q', retryQueues: true, consumerTimeoutMs: 10_000, handlerTimeoutMs: 20_000, concurrency: 1, retryDelayMs: 1_000 });
  const declaration = { ...resolveQueueOptions('test', { queueName: 'q' }), retryRoute: new RetryRoute('queue/test/q', [1_000]) };
  const session = new ConsumeSession(handler, settings, declaration, { emit: (outcome) => outcomes.push(outcome) > 0, report: (error) => void reports.push(error) });
  const tick = async (ms: number) => {
    t.mock.timers.tick(ms);
    for (let i = 0; i < 5; i++) await flush();
  };
  return { session, outcomes, reports, tick };
}

test('a run past the hold point: the copy confirmed in its holding queue, then the delivery acked; when it ends, the holding queue deleted and one outcome', async (t) => {
  const handler = new ControlledHandler();
  const { session, outcomes, reports, tick } = heldSession(t, handler.run);
  const publisher = new FakeCopyPublisher('c1');
  session.deliver(receivedMessage(new ChannelWithCopies(publisher), 1));
  await tick(8_999);
  assert.deepEqual(publisher.log, [], 'nothing before the hold point');
  await tick(1);
  assert.deepEqual(publisher.log, ['c1: declare queue/test/q/held/<id>', 'c1: copy hold', 'ack 1']);
  handler.succeed(1);
  await tick(0);
  assert.deepEqual(publisher.log.slice(3), ['c1: delete queue/test/q/held/<id>']);
  assert.equal(outcomes.length, 1);
  assert.equal(outcomes[0]!.status, 'handled');
  assert.match(outcomes[0]!.holdingQueue ?? '', /^queue\/test\/q\/held\//);
  assert.deepEqual(reports, []);
});

test('a handler ending while its message is being moved: its outcome waits for the move, then deletes the copy; one ack, one outcome', async (t) => {
  const handler = new ControlledHandler();
  const { session, outcomes, tick } = heldSession(t, handler.run);
  const publisher = new FakeCopyPublisher('c1');
  let open!: () => void;
  publisher.gate = new Promise((resolve) => (open = resolve));
  session.deliver(receivedMessage(new ChannelWithCopies(publisher), 1));
  await tick(9_000);
  handler.succeed(1);
  await tick(0);
  assert.equal(outcomes.length, 0, 'waits for the move in progress');
  open();
  await tick(0);
  assert.deepEqual(publisher.log, ['c1: declare queue/test/q/held/<id>', 'c1: copy hold', 'ack 1', 'c1: delete queue/test/q/held/<id>']);
  assert.deepEqual(
    outcomes.map((o) => [o.status, o.holdingQueue !== undefined]),
    [['handled', true]],
  );
});

test('a move that fails: HoldingQueueError, the delivery stays unacked; the run ending acks it as usual', async (t) => {
  const handler = new ControlledHandler();
  const { session, outcomes, reports, tick } = heldSession(t, handler.run);
  const publisher = new FakeCopyPublisher('c1');
  publisher.failDeclare = true;
  session.deliver(receivedMessage(new ChannelWithCopies(publisher), 1));
  await tick(9_000);
  assert.deepEqual(publisher.log, ['c1: delete queue/test/q/held/<id>'], 'nothing acked; the half-made queue deleted');
  assert.deepEqual(reports.map((e) => [e.name, (e as Error & { step?: string }).step]), [['HoldingQueueError', 'hold']]);
  handler.succeed(1);
  await tick(0);
  assert.deepEqual(publisher.log.slice(1), ['ack 1']);
  assert.deepEqual(
    outcomes.map((o) => [o.status, o.holdingQueue]),
    [['handled', undefined]],
  );
});

test("a held run whose channel goes keeps its slot; failing later, its copy goes to the retry queue over the new channel, then its holding queue is deleted", async (t) => {
  const handler = new ControlledHandler();
  const { session, outcomes, tick } = heldSession(t, handler.run);
  const first = new FakeCopyPublisher('c1');
  const firstChannel = new ChannelWithCopies(first);
  session.deliver(receivedMessage(firstChannel, 1));
  await tick(9_000);
  firstChannel.end();
  await tick(0);
  const second = new FakeCopyPublisher('c2');
  session.deliver(receivedMessage(new ChannelWithCopies(second), 2));
  await tick(0);
  assert.deepEqual(handler.started, [1], 'concurrency 1: the held run still has the slot');
  handler.fail(1);
  await tick(0);
  assert.deepEqual(second.log, ['c2: retry copy wait.1000', 'c2: delete queue/test/q/held/<id>']);
  assert.equal(outcomes[0]?.status, 'retrying');
  assert.equal(outcomes[0].status === 'retrying' ? outcomes[0].retryQueue : undefined, 'queue/test/q/retry/1000');
  assert.deepEqual(handler.started, [1, 2], 'its slot went to the next message');
});
