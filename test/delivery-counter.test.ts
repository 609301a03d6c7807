/**
 * Delivery counts: what the broker vouches for (brokerDeliveryCount, never a
 * publisher's header) and the client's own count where the broker gives none
 * (DeliveryCounter: never too high, bounded memory, most recent kept).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { brokerDeliveryCount, DeliveryCounter } from '../src/pulse/delivery-counter.js';
import { MessageDecoder } from '../src/pulse/message-decoder.js';
import { FakeDeliveryChannel, rawDelivery, receivedMessage, TEST_ROUTING_KEY, testBinding } from './support/delivery-fakes.js';

const channel = new FakeDeliveryChannel();
/** A classic queue's redelivery (count unknown) of the body `{"id":"<id>"}`. */
const redelivery = (id: string, tag = 1) => receivedMessage(channel, tag, 'unknown', Buffer.from(JSON.stringify({ id })));

describe('brokerDeliveryCount', () => {
  test('a first delivery is 1 whatever the header says', () => {
    for (const header of [undefined, 0, 1000, -1000, '5', 2.5]) {
      assert.equal(brokerDeliveryCount(false, header, true), 1);
      assert.equal(brokerDeliveryCount(false, header, false), 1);
    }
  });

  test("a redelivery trusts only a quorum queue's header, and only a non-negative integer", () => {
    assert.equal(brokerDeliveryCount(true, 0, true), 1);
    assert.equal(brokerDeliveryCount(true, 2, true), 3);
    for (const header of [undefined, null, -1, -1000, '5', 2.5, Number.NaN, Infinity, 2 ** 60, { n: 1 }]) {
      assert.equal(brokerDeliveryCount(true, header, true), undefined, `quorum, header ${String(header)}`);
    }
    for (const header of [undefined, 0, 2, 1000]) assert.equal(brokerDeliveryCount(true, header, false), undefined, `classic, header ${String(header)}`);
  });

  test('the decoder counts by these rules: a forged header on a first delivery, or on a classic queue, counts for nothing', () => {
    const decoder = new MessageDecoder([testBinding]);
    const countOf = (redelivered: boolean, header: unknown, quorum: boolean) => {
      const decoded = decoder.decode(rawDelivery(1, { redelivered, headers: { 'x-delivery-count': header } }), 'queue/test/q', new FakeDeliveryChannel(quorum));
      assert.equal(decoded.kind, 'message');
      return decoded.kind === 'message' ? decoded.message.deliveryCount : 'not a message';
    };
    assert.equal(countOf(false, 1000, true), 1);
    assert.equal(countOf(true, 1000, false), undefined);
    assert.equal(countOf(true, 4, true), 5);
  });
});

describe('DeliveryCounter', () => {
  test('a count the broker gave is used as is, and needs no record', () => {
    const counter = new DeliveryCounter();
    const quorumRedelivery = receivedMessage(channel, 1, 4);
    assert.equal(counter.count(quorumRedelivery), 4);
    counter.requeued(quorumRedelivery, 4);
    assert.equal(counter.count(quorumRedelivery), 4);
    assert.equal(counter.count(receivedMessage(channel, 2, 1)), 1);
  });

  test('an unknown count is the second delivery at least, and one more than the last requeue this process made', () => {
    const counter = new DeliveryCounter();
    const message = redelivery('a');
    assert.equal(counter.count(message), 2, 'no record: the second delivery (never too high)');
    counter.requeued(message, 2);
    assert.equal(counter.count(redelivery('a', 7)), 3, 'the same message (by content) delivered again, under another tag');
    counter.requeued(message, 3);
    assert.equal(counter.count(message), 4);
    assert.equal(counter.count(redelivery('b')), 2, 'another message has its own count');
  });

  test('the first delivery failing leaves no record: its redelivery counts 2', () => {
    const counter = new DeliveryCounter();
    counter.requeued(receivedMessage(channel, 1, 1, Buffer.from('{"id":"a"}')), 1);
    assert.equal(counter.count(redelivery('a')), 2);
  });

  test('messages are told apart by exchange, routing key and body', () => {
    const counter = new DeliveryCounter();
    const body = Buffer.from('{"id":"same"}');
    counter.requeued(redelivery('same'), 3);
    assert.equal(counter.count(redelivery('same')), 4);
    const elsewhere = (exchange: string, routingKey: string) =>
      counter.count({ ...redelivery('same'), exchange, routingKey, raw: rawDelivery(1, { redelivered: true, content: body, exchange, routingKey }) } as never);
    assert.equal(elsewhere('exchange/taskcluster-queue/v1/task-failed', TEST_ROUTING_KEY), 2);
    assert.equal(elsewhere(testBinding.exchange, TEST_ROUTING_KEY.replace('task-1', 'task-2')), 2);
  });

  test('a settled message is forgotten', () => {
    const counter = new DeliveryCounter();
    counter.requeued(redelivery('a'), 3);
    counter.settled(redelivery('a'));
    assert.equal(counter.count(redelivery('a')), 2);
  });

  test('memory is bounded: past capacity the least recently requeued is forgotten (counted low, never high)', () => {
    const counter = new DeliveryCounter(2);
    counter.requeued(redelivery('a'), 2);
    counter.requeued(redelivery('b'), 2);
    counter.requeued(redelivery('a'), 3); // a is the most recent now
    counter.requeued(redelivery('c'), 2);
    assert.equal(counter.count(redelivery('b')), 2, 'b, the least recent, is forgotten');
    assert.equal(counter.count(redelivery('a')), 4);
    assert.equal(counter.count(redelivery('c')), 3);
  });

  test('the default capacity holds 10,000 messages', () => {
    const counter = new DeliveryCounter();
    for (let i = 0; i <= 10_000; i++) counter.requeued(redelivery(`m${i}`), 2);
    assert.equal(counter.count(redelivery('m0')), 2, 'the oldest of 10,001 is forgotten');
    assert.equal(counter.count(redelivery('m1')), 3);
    assert.equal(counter.count(redelivery('m10000')), 3);
  });
});
