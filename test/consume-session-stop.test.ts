/**
 * Stopping the consume pump (ConsumeSession), on fakes: drain() hands back
 * what waits and lets running handlers finish, a run still going when its
 * channel closes is released, and once nobody is subscribed every message
 * handed back unhandled is reported. Also: handlers that settle their own
 * message get the outcome of what they did.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { MessageReleasedError } from '../src/pulse/index.js';
import { FakeDeliveryChannel, receivedMessage } from './support/delivery-fakes.js';
import { ControlledHandler, flush, sessionOf } from './support/session-fixture.js';

let channel: FakeDeliveryChannel;
beforeEach(() => {
  channel = new FakeDeliveryChannel();
});

/** A session with concurrency 2: 1 waits out a retry, 2 and 3 run, 4 waits for a slot. */
async function busySession() {
  const handler = new ControlledHandler();
  const fixture = sessionOf((m) => (m.raw.fields.deliveryTag === 1 ? Promise.reject(new Error('first try fails')) : handler.run(m)), {
    concurrency: 2,
    retryDelayMs: 60_000,
  });
  fixture.session.deliver(receivedMessage(channel, 1));
  await flush();
  for (const tag of [2, 3, 4]) fixture.session.deliver(receivedMessage(channel, tag));
  assert.deepEqual(handler.started, [2, 3]);
  return { ...fixture, handler };
}

describe('drain()', () => {
  test('hands back what waits (a slot: not-started; a retry: retry-pending, with its error) and starts nothing more', async () => {
    const { session, summary, outcomes, handler } = await busySession();
    session.drain();
    assert.deepEqual(summary(), ['4 released not-started sent #1', '1 released retry-pending sent #1']);
    assert.match(String(outcomes[1]?.status === 'released' && (outcomes[1].error as Error).message), /first try fails/);
    assert.deepEqual(channel.settled, ['nack 4 requeue', 'nack 1 requeue']);
    handler.succeed(2);
    await flush();
    assert.deepEqual(handler.started, [2, 3], 'the freed slot starts nothing');
  });

  test('running handlers finish with their outcome; one failing now is released (handler-failed), not retried', async () => {
    const { session, summary, handler } = await busySession();
    session.drain();
    handler.succeed(2);
    handler.fail(3);
    await flush();
    assert.deepEqual(summary().slice(2), ['2 handled sent #1', '3 released handler-failed sent #1']);
    assert.deepEqual(channel.settled.slice(2), ['ack 2', 'nack 3 requeue']);
  });

  test('a message delivered after draining is handed back at once', () => {
    const { session, summary } = sessionOf(() => assert.fail('no handler may start after drain()'));
    session.drain();
    session.deliver(receivedMessage(channel, 1));
    assert.deepEqual(summary(), ['1 released not-started sent #1']);
  });

  test('a run still going when the channel closes at the stop deadline is released (handler-unfinished); its late result is ignored', async () => {
    const handler = new ControlledHandler();
    const { session, summary } = sessionOf(handler.run);
    session.deliver(receivedMessage(channel, 1));
    session.drain();
    channel.end();
    await flush();
    assert.deepEqual(summary(), ['1 released handler-unfinished channel-closed #1']);
    handler.succeed(1);
    await flush();
    assert.equal(summary().length, 1);
  });
});

describe('unsubscribed: no outcomes any more', () => {
  for (const [queue, lost] of [[{}, true], [{ queueName: 'q' }, false]] as const) {
    test(`each message handed back unhandled is a MessageReleasedError, lost: ${lost} (${lost ? 'ephemeral' : 'durable'} queue)`, async () => {
      const { session, reports, unsubscribe } = sessionOf(() => Promise.reject(new Error('down')), { retryDelayMs: 60_000 }, { queue });
      session.deliver(receivedMessage(channel, 1));
      await flush();
      unsubscribe();
      session.dispose();
      assert.equal(reports.length, 1);
      const released = reports[0] as MessageReleasedError;
      assert.equal(released.name, 'MessageReleasedError');
      assert.equal(released.reason, 'retry-pending');
      assert.equal(released.lost, lost);
      assert.match(String((released.cause as Error).message), /down/);
      assert.deepEqual(channel.settled, ['nack 1 requeue']);
    });
  }
});

describe('handlers that settle their own message', () => {
  test('the outcome is what the handler did; consume() settles nothing more, and retries nothing', async () => {
    const settle: Record<number, (m: { ack(): unknown; nack(options?: { requeue?: boolean }): unknown }) => unknown> = {
      1: (m) => m.ack(),
      2: (m) => m.nack({ requeue: false }),
      3: (m) => m.nack(),
      4: (m) => {
        m.ack();
        throw new Error('failed after acking');
      },
    };
    const { session, summary, outcomes } = sessionOf((m) => settle[m.raw.fields.deliveryTag]!(m), {}, { queue: { queueName: 'q', deadLetter: { exchange: 'dead' } } });
    for (const tag of [1, 2, 3, 4]) session.deliver(receivedMessage(channel, tag));
    await flush();
    assert.deepEqual(summary(), ['1 handled by-handler sent #1', '2 dead-lettered by-handler sent #1', '3 requeued by-handler sent #1', '4 handled by-handler sent #1']);
    assert.deepEqual(channel.settled, ['ack 1', 'nack 2 reject', 'nack 3 requeue', 'ack 4']);
    assert.match(String((outcomes[3] as { error?: Error }).error?.message), /failed after acking/);
  });
});
