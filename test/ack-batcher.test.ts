/**
 * AckBatcher: the acks of one turn of the event loop go out as one `multiple`
 * ack up to the first delivery still open, single acks behind it; a delivery
 * is acked at most once and never covered while open; acks the channel
 * refuses are reported lost. On a recording fake of the amqplib channel.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AckBatcher } from '../src/pulse/ack-batcher.js';
import type { AmqpMessage } from '../src/pulse/amqp-api.js';
import { rawDelivery, RecordingChannel } from './support/delivery-fakes.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A batcher on a recording channel with deliveries 1..count handed out; subjects are the tags. */
function batcherWith(count: number) {
  const channel = new RecordingChannel();
  const lost: number[][] = [];
  const batcher = new AckBatcher<number>(channel.asChannel, (subjects) => lost.push(subjects));
  const deliveries = new Map<number, AmqpMessage>();
  for (let tag = 1; tag <= count; tag++) {
    const raw = rawDelivery(tag);
    deliveries.set(tag, raw);
    batcher.delivered(raw, tag);
  }
  const delivery = (tag: number) => deliveries.get(tag)!;
  return { channel, batcher, lost, delivery, ack: (...tags: number[]) => tags.forEach((tag) => batcher.ack(delivery(tag))) };
}

describe('AckBatcher', () => {
  test('acks of one turn go out together on the next: one multiple ack up to the highest', async () => {
    const { channel, ack } = batcherWith(5);
    ack(3, 1, 5, 2, 4);
    assert.deepEqual(channel.sent, [], 'nothing written in the turn of the acks');
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 5 multiple']);
  });

  test('an open delivery is never covered: multiple ack below it, single acks behind it', async () => {
    const { channel, ack } = batcherWith(8);
    ack(1, 2, 3, 5, 7);
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 3 multiple', 'ack 5', 'ack 7']);
    channel.sent.length = 0;
    // 4 settles later: the acks behind it went already, nothing goes twice.
    ack(4, 6);
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 6 multiple']);
  });

  test('with the first delivery open, every ack goes single', async () => {
    const { channel, ack } = batcherWith(4);
    ack(2, 4, 3);
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 2', 'ack 3', 'ack 4']);
  });

  test('a nack goes at once, and the delivery no longer holds up the multiple ack', async () => {
    const { channel, batcher, ack, delivery } = batcherWith(4);
    ack(1);
    assert.equal(batcher.nack(delivery(2), false), true);
    assert.deepEqual(channel.sent, ['nack 2 reject'], 'sent in the same turn');
    ack(3, 4);
    await nextTurn();
    assert.deepEqual(channel.sent, ['nack 2 reject', 'ack 4 multiple']);
  });

  test('tags the batcher never saw (malformed deliveries, settled at once) do not hold it up', async () => {
    const channel = new RecordingChannel();
    const batcher = new AckBatcher<number>(channel.asChannel, () => undefined);
    const [first, third] = [rawDelivery(1), rawDelivery(3)];
    batcher.delivered(first, 1);
    batcher.delivered(third, 3);
    batcher.ack(third);
    batcher.ack(first);
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 3 multiple']);
  });

  test('a delivery is acked at most once: a second ack, or an ack after a nack, sends nothing (it would close the channel with 406)', async () => {
    const { channel, batcher, ack, delivery } = batcherWith(3);
    ack(1, 1);
    await nextTurn();
    ack(1);
    batcher.nack(delivery(2), true);
    ack(2);
    batcher.ack(rawDelivery(99));
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 1 multiple', 'nack 2 requeue']);
  });

  test('flush() sends what was asked at once, and the scheduled flush then sends nothing more', async () => {
    const { channel, batcher, ack } = batcherWith(2);
    ack(1, 2);
    batcher.flush();
    assert.deepEqual(channel.sent, ['ack 2 multiple']);
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 2 multiple']);
  });

  test('the channel refusing the multiple ack: every ack of the flush is reported lost', async () => {
    const { channel, lost, ack } = batcherWith(4);
    channel.refusing.add('ack multiple');
    ack(1, 2, 4);
    await nextTurn();
    assert.deepEqual(channel.sent, []);
    assert.deepEqual(lost, [[1, 2, 4]]);
  });

  test('the channel refusing single acks: those are reported lost, the multiple one went', async () => {
    const { channel, lost, ack } = batcherWith(4);
    channel.refusing.add('ack');
    ack(1, 3, 4);
    await nextTurn();
    assert.deepEqual(channel.sent, ['ack 1 multiple']);
    assert.deepEqual(lost, [[3, 4]]);
  });

  test('the channel refusing a nack: nack() says so', () => {
    const { channel, batcher, delivery } = batcherWith(1);
    channel.refusing.add('nack');
    assert.equal(batcher.nack(delivery(1), true), false);
  });

  test('abandon(): acks asked for and not yet sent are reported lost, open deliveries are not; nothing is sent afterwards', async () => {
    const { channel, batcher, lost, ack } = batcherWith(4);
    ack(2, 4);
    batcher.abandon();
    assert.deepEqual(lost, [[2, 4]]);
    await nextTurn();
    assert.deepEqual(channel.sent, []);
    ack(1, 3);
    await nextTurn();
    assert.deepEqual(channel.sent, [], 'an abandoned delivery is forgotten');
  });

  test('sent acks are forgotten (memory is bounded by the open deliveries): abandon() afterwards loses nothing', async () => {
    const { batcher, lost, ack } = batcherWith(1_000);
    ack(...Array.from({ length: 1_000 }, (_, i) => i + 1));
    await nextTurn();
    batcher.abandon();
    assert.deepEqual(lost, []);
  });
});
