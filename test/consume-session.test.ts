/**
 * The consume pump (ConsumeSession) on fakes and a fake clock: slot
 * accounting, retries that wait without a slot, the delivery limit, handler
 * timeouts, channels that go away, and user callbacks that throw. Stopping:
 * consume-session-stop.test.ts.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test, type TestContext } from 'node:test';
import { FakeDeliveryChannel, receivedMessage } from './support/delivery-fakes.js';
import { ControlledHandler, flush, sessionOf } from './support/session-fixture.js';

/** Fakes setTimeout and Date for the test; `tick(ms)` moves the clock and lets promise continuations run. */
function fakeClock(t: TestContext): (ms: number) => Promise<void> {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  return async (ms) => {
    t.mock.timers.tick(ms);
    await flush();
  };
}

let channel: FakeDeliveryChannel;
beforeEach(() => {
  channel = new FakeDeliveryChannel();
});

describe('slots', () => {
  test('at most `concurrency` handlers run; each one ending starts the next, in delivery order', async () => {
    const handler = new ControlledHandler();
    const { session, summary } = sessionOf(handler.run, { concurrency: 2 });
    for (let tag = 1; tag <= 5; tag++) session.deliver(receivedMessage(channel, tag));
    assert.deepEqual(handler.started, [1, 2]);
    handler.succeed(2);
    await flush();
    assert.deepEqual(handler.started, [1, 2, 3]);
    handler.succeed(1);
    handler.succeed(3);
    await flush();
    assert.deepEqual(handler.started, [1, 2, 3, 4, 5]);
    assert.deepEqual(summary(), ['2 handled sent #1', '1 handled sent #1', '3 handled sent #1']);
    assert.deepEqual(channel.settled, ['ack 2', 'ack 1', 'ack 3']);
  });

  test('a synchronous result is settled at once and takes no slot', async () => {
    const handler = new ControlledHandler();
    const { session, summary } = sessionOf((m) => (m.raw.fields.deliveryTag === 1 ? handler.run(m) : 'sync'), { concurrency: 1 });
    session.deliver(receivedMessage(channel, 1));
    session.deliver(receivedMessage(channel, 2));
    assert.deepEqual(summary(), [], 'the only slot is held by 1, so 2 waits');
    handler.succeed(1);
    await flush();
    session.deliver(receivedMessage(channel, 3));
    session.deliver(receivedMessage(channel, 4));
    assert.deepEqual(summary(), ['1 handled sent #1', '2 handled sent #1', '3 handled sent #1', '4 handled sent #1'], '3 and 4 settled within deliver()');
  });

  test('a handler that throws synchronously takes no slot, and waits for its retry without one', async (t) => {
    const tick = fakeClock(t);
    const handler = new ControlledHandler();
    const { session, summary } = sessionOf(
      (m) => {
        if (m.raw.fields.deliveryTag === 1) throw new Error('sync failure');
        return handler.run(m);
      },
      { concurrency: 1, retryDelayMs: 5_000 },
    );
    session.deliver(receivedMessage(channel, 1));
    session.deliver(receivedMessage(channel, 2));
    assert.deepEqual(handler.started, [2], 'the next message runs while 1 waits out its retry delay');
    handler.succeed(2);
    await flush();
    session.deliver(receivedMessage(channel, 3));
    assert.deepEqual(handler.started, [2, 3]);
    await tick(5_000);
    assert.deepEqual(summary(), ['2 handled sent #1', '1 retrying sent #1']);
    assert.deepEqual(channel.settled, ['ack 2', 'nack 1 requeue']);
  });

  test('a rejected run frees its slot at once; the retry waits out its delay without it', async (t) => {
    const tick = fakeClock(t);
    const handler = new ControlledHandler();
    const { session, summary } = sessionOf(handler.run, { concurrency: 1, retryDelayMs: 3_000 });
    session.deliver(receivedMessage(channel, 1));
    session.deliver(receivedMessage(channel, 2));
    handler.fail(1);
    await flush();
    assert.deepEqual(handler.started, [1, 2]);
    await tick(2_999);
    assert.deepEqual(summary(), [], 'still waiting');
    await tick(1);
    assert.deepEqual(summary(), ['1 retrying sent #1']);
  });
});

describe('failures and the delivery limit', () => {
  test('the default retry delay doubles per delivery: 1 s, 2 s, 4 s', async (t) => {
    const tick = fakeClock(t);
    const { session, summary } = sessionOf(() => Promise.reject(new Error('down')), { maxDeliveries: 10 });
    for (const [tag, count, delay] of [[1, 1, 1_000], [2, 2, 2_000], [3, 3, 4_000]] as const) {
      session.deliver(receivedMessage(channel, tag, count));
      await flush();
      await tick(delay - 1);
      assert.equal(summary().length, tag - 1, `delivery ${count} still waiting at ${delay - 1} ms`);
      await tick(1);
      assert.equal(summary().at(-1), `${tag} retrying sent #${count}`);
    }
  });

  test('on delivery maxDeliveries the message is rejected without requeue: dead-lettered with a dead-letter exchange, else dropped; DeliveryLimitError', async () => {
    for (const [queue, status] of [[{ queueName: 'q', deadLetter: { exchange: 'dead' } }, 'dead-lettered'], [{ queueName: 'q' }, 'dropped']] as const) {
      const delivery = new FakeDeliveryChannel();
      const { session, summary, reports } = sessionOf(() => Promise.reject(new Error('poison')), { maxDeliveries: 3 }, { queue });
      session.deliver(receivedMessage(delivery, 1, 3));
      await flush();
      assert.deepEqual(summary(), [`1 ${status} #3`]);
      assert.deepEqual(delivery.settled, ['nack 1 reject']);
      assert.deepEqual(reports.map((e) => e.name), ['DeliveryLimitError']);
    }
  });

  test("a classic queue's redeliveries are counted by the session: 1, 2, 3, then given up", async (t) => {
    const tick = fakeClock(t);
    const { session, summary } = sessionOf(() => Promise.reject(new Error('poison')), { maxDeliveries: 3, retryDelayMs: 0 }, { queue: { queueName: 'q', queueType: 'classic' } });
    const body = Buffer.from('{"same":"message"}');
    for (const [tag, count] of [[1, 1], [2, 'unknown'], [3, 'unknown']] as const) {
      session.deliver(receivedMessage(channel, tag, count, body));
      await flush();
      await tick(0);
    }
    assert.deepEqual(summary(), ['1 retrying sent #1', '2 retrying sent #2', '3 dropped #3']);
  });

  test('a retryDelayMs that throws or answers nonsense: the default delay, a RetryDelayError, and the retry still happens', async (t) => {
    const tick = fakeClock(t);
    const answers = [() => Number.NaN, () => 'soon', () => {
      throw new Error('delay callback failed');
    }];
    const { session, summary, reports } = sessionOf(() => Promise.reject(new Error('down')), { retryDelayMs: (n) => answers[n - 1]!() as number });
    for (const count of [1, 2, 3]) session.deliver(receivedMessage(channel, count, count));
    await flush();
    assert.deepEqual(reports.map((e) => e.name), ['RetryDelayError', 'RetryDelayError', 'RetryDelayError']);
    await tick(4_000);
    assert.deepEqual(summary(), ['1 retrying sent #1', '2 retrying sent #2', '3 retrying sent #3']);
  });

  test('an error listener that throws does not stop settling', async () => {
    const { session, summary } = sessionOf(() => Promise.reject(new Error('poison')), { maxDeliveries: 1 }, { reportThrows: true });
    session.deliver(receivedMessage(channel, 1));
    await flush();
    assert.deepEqual(summary(), ['1 dropped #1']);
    assert.deepEqual(channel.settled, ['nack 1 reject']);
  });

  for (const how of ['closed', 'closing'] as const) {
    test(`the last delivery failing on a channel that is ${how}: retrying, not given up (the broker has the message back)`, async () => {
      const handler = new ControlledHandler();
      const { session, summary, reports } = sessionOf(handler.run, { maxDeliveries: 1 });
      session.deliver(receivedMessage(channel, 1));
      if (how === 'closed') channel.end();
      else channel.closing = true;
      handler.fail(1);
      await flush();
      assert.deepEqual(summary(), ['1 retrying channel-closed #1']);
      assert.deepEqual(reports, [], 'no DeliveryLimitError');
    });
  }
});

describe('handler timeout', () => {
  test('a run outliving handlerTimeoutMs: HandlerTimeoutError, its slot freed, retried; its late result settles nothing', async (t) => {
    const tick = fakeClock(t);
    const handler = new ControlledHandler();
    const { session, summary, reports, outcomes } = sessionOf(handler.run, { concurrency: 1, handlerTimeoutMs: 100, retryDelayMs: 50 });
    session.deliver(receivedMessage(channel, 1));
    session.deliver(receivedMessage(channel, 2));
    await tick(99);
    assert.deepEqual(handler.started, [1]);
    await tick(1);
    assert.deepEqual(reports.map((e) => e.name), ['HandlerTimeoutError']);
    assert.deepEqual(handler.started, [1, 2], 'the slot went to the next message');
    await tick(50);
    assert.deepEqual(summary(), ['1 retrying sent #1']);
    assert.equal(outcomes[0]?.status === 'retrying' && outcomes[0].error, reports[0], 'the outcome carries the timeout');
    handler.succeed(1, 'too late');
    handler.succeed(2);
    await flush();
    assert.deepEqual(summary(), ['1 retrying sent #1', '2 handled sent #1']);
    assert.deepEqual(channel.settled, ['nack 1 requeue', 'ack 2'], 'nothing settled twice');
  });

  test('one timer serves every run: each times out handlerTimeoutMs after its own start', async (t) => {
    const tick = fakeClock(t);
    const handler = new ControlledHandler();
    const { session, reports } = sessionOf(handler.run, { concurrency: 3, handlerTimeoutMs: 100, retryDelayMs: 10_000 });
    session.deliver(receivedMessage(channel, 1));
    await tick(40);
    session.deliver(receivedMessage(channel, 2));
    session.deliver(receivedMessage(channel, 3));
    handler.succeed(2);
    await tick(60);
    assert.equal(reports.length, 1, '1 timed out 100 ms after its start');
    await tick(39);
    assert.equal(reports.length, 1);
    await tick(1);
    assert.equal(reports.length, 2, '3 timed out 100 ms after its start; 2 had ended');
  });

  test('a timed-out handler that settles the message itself during the retry wait: the outcome is what it did', async (t) => {
    const tick = fakeClock(t);
    let held: { ack(): unknown } | undefined;
    const { session, summary } = sessionOf((m) => ((held = m), new Promise(() => undefined)), { handlerTimeoutMs: 100, retryDelayMs: 50 });
    session.deliver(receivedMessage(channel, 1));
    await tick(100);
    held!.ack();
    await tick(50);
    assert.deepEqual(summary(), ['1 handled by-handler sent #1']);
    assert.deepEqual(channel.settled, ['ack 1'], 'no nack after the handler acked');
  });
});

describe('channels that go away', () => {
  test("a channel's end frees the slots of its runs; their results still make the outcome", async () => {
    const handler = new ControlledHandler();
    const { session, summary } = sessionOf(handler.run, { concurrency: 1 });
    session.deliver(receivedMessage(channel, 1));
    channel.end();
    await flush();
    const next = new FakeDeliveryChannel();
    session.deliver(receivedMessage(next, 2));
    assert.deepEqual(handler.started, [1, 2], 'the new channel got the slot');
    handler.succeed(1);
    handler.succeed(2);
    await flush();
    assert.deepEqual(summary(), ['1 handled channel-closed #1', '2 handled sent #1']);
    assert.deepEqual([channel.settled, next.settled], [[], ['ack 2']]);
  });

  test('a run failing after its channel went is retrying at once: no wait, the broker redelivers it', async () => {
    const handler = new ControlledHandler();
    const { session, summary } = sessionOf(handler.run, { retryDelayMs: 60_000 });
    session.deliver(receivedMessage(channel, 1));
    channel.end();
    await flush();
    handler.fail(1);
    await flush();
    assert.deepEqual(summary(), ['1 retrying channel-closed #1']);
  });

  test('a retry waiting when its channel goes is retrying at once, and its timer is cancelled', async (t) => {
    const tick = fakeClock(t);
    const { session, summary } = sessionOf(() => Promise.reject(new Error('down')), { retryDelayMs: 60_000 });
    session.deliver(receivedMessage(channel, 1));
    await flush();
    channel.end();
    await flush();
    assert.deepEqual(summary(), ['1 retrying channel-closed #1']);
    await tick(60_000);
    assert.equal(summary().length, 1);
  });

  for (const stopping of [false, true]) {
    test(`a waiting message whose channel went is skipped: never started, no outcome${stopping ? ', not even when the stream stops' : ''} (the broker has it back)`, async () => {
      const handler = new ControlledHandler();
      const { session, summary } = sessionOf(handler.run, { concurrency: 1 });
      session.deliver(receivedMessage(channel, 1));
      session.deliver(receivedMessage(channel, 2));
      channel.end();
      await flush();
      if (stopping) session.drain();
      handler.succeed(1);
      await flush();
      assert.deepEqual(handler.started, [1]);
      assert.deepEqual(summary(), ['1 handled channel-closed #1']);
    });
  }
});
