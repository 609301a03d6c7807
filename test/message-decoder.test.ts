/**
 * MessageDecoder: every way a delivery is malformed (rejected, with what it
 * was), unbound (matching none of the bindings, by primary key or CC), or a
 * message (fields, routes, payload, binding). UTF-8 in depth and the
 * `validate`/`schemas` options: pulse-decode-units.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RoutingKeyDecodeError } from '../src/bindings/decode-routing-key.js';
import { MalformedMessageError, UnboundMessageError } from '../src/pulse/index.js';
import type { AmqpMessage } from '../src/pulse/amqp-api.js';
import { type Decoded, MessageDecoder } from '../src/pulse/message-decoder.js';
import type { Binding } from '../src/bindings/types.js';
import { completedPayload } from './support/conformance-publisher.js';
import { FakeDeliveryChannel, rawDelivery, TEST_ROUTING_KEY, testBinding } from './support/delivery-fakes.js';

const QUEUE = 'queue/test/q';
const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const goodBody = body(completedPayload('task-1'));

function decode(bindings: readonly Binding[], raw: AmqpMessage, options: ConstructorParameters<typeof MessageDecoder>[1] = {}): Decoded {
  const decoder = new MessageDecoder(bindings, options);
  decoder.prepare();
  return decoder.decode(raw, QUEUE, new FakeDeliveryChannel());
}

/** The MalformedMessageError of a delivery that must be malformed. */
function malformed(decoded: Decoded): MalformedMessageError {
  assert.equal(decoded.kind, 'malformed', `expected malformed, got ${decoded.kind}`);
  assert.ok(decoded.kind === 'malformed' && decoded.error instanceof MalformedMessageError);
  return decoded.error;
}

describe('MessageDecoder: malformed deliveries', () => {
  const everything = { ...testBinding, routingKeyPattern: '#' };

  test('a body that is not JSON: empty, blank, cut short, or not JSON at all; the parse error is the cause', () => {
    for (const text of ['', '   ', '{"version": 1', '{not json', 'undefined', "{'single': 'quotes'}"]) {
      const error = malformed(decode([testBinding], rawDelivery(1, { content: Buffer.from(text) })));
      assert.match(error.message, /: body is not JSON; rejected without requeue$/, JSON.stringify(text));
      assert.ok(error.cause instanceof SyntaxError, JSON.stringify(text));
      assert.equal(error.content.toString(), text, 'the body is kept for inspection');
    }
  });

  test('a body that is not UTF-8 is malformed, not read with U+FFFD in it', () => {
    const error = malformed(decode([testBinding], rawDelivery(1, { content: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) })));
    assert.match(error.message, /: body is not valid UTF-8 \(9 bytes\); rejected without requeue$/);
  });

  test("a routing key that does not fit the exchange's reference (bound by a wider pattern): too few words, a wrong constant", () => {
    const words = TEST_ROUTING_KEY.split('.');
    const cases: Array<[string, RegExp]> = [
      [words.slice(0, 3).join('.'), /has 3 words; the exchange's routing key has at least 9/],
      [['secondary', ...words.slice(1)].join('.'), /"routingKeyKind" must be "primary", got "secondary"/],
    ];
    for (const [routingKey, rule] of cases) {
      const error = malformed(decode([everything], rawDelivery(1, { routingKey, content: goodBody })));
      assert.match(error.message, rule, routingKey);
      assert.ok(error.cause instanceof RoutingKeyDecodeError);
      assert.equal(error.delivery.routingKey, routingKey);
    }
  });

  test('a payload its schema refuses, with validate: naming the path and rule', () => {
    const error = malformed(decode([testBinding], rawDelivery(1, { content: body({ version: 1 }) }), { validate: true }));
    assert.match(error.message, /: payload does not match \/schemas\/queue\/v1\/task-completed-message\.json: \(payload\) must have required property '\w+' \(required\)/);
  });

  test('the error names the delivery: queue, exchange, routing key, redelivered', () => {
    const error = malformed(decode([testBinding], rawDelivery(1, { redelivered: true, content: Buffer.from('nope') })));
    assert.deepEqual(error.delivery, { queue: QUEUE, exchange: testBinding.exchange, routingKey: TEST_ROUTING_KEY, redelivered: true });
    assert.match(error.message, new RegExp(`^malformed message on ${testBinding.exchange} \\(routing key "${TEST_ROUTING_KEY.replace(/\./g, '\\.')}", queue ${QUEUE}\\)`));
  });
});

describe('MessageDecoder: unbound deliveries', () => {
  const unbound = (decoded: Decoded) => {
    assert.equal(decoded.kind, 'unbound');
    assert.ok(decoded.kind === 'unbound' && decoded.error instanceof UnboundMessageError);
    return decoded.error;
  };

  test('from an exchange none of the bindings names', () => {
    const error = unbound(decode([testBinding], rawDelivery(1, { exchange: 'exchange/taskcluster-queue/v1/task-failed', content: goodBody })));
    assert.equal(error.delivery.exchange, 'exchange/taskcluster-queue/v1/task-failed');
  });

  test('from a bound exchange, with a key and CC none of its patterns match (a binding left over on a durable queue)', () => {
    const onlyTask9 = { ...testBinding, routingKeyPattern: TEST_ROUTING_KEY.replace('task-1', 'task-9') };
    unbound(decode([onlyTask9], rawDelivery(1, { content: goodBody, headers: { CC: ['route.index.x'] } })));
  });

  test('checked before the body: junk that is not for us is unbound, not malformed', () => {
    unbound(decode([testBinding], rawDelivery(1, { exchange: 'exchange/elsewhere', content: Buffer.from([0xff]) })));
  });
});

describe('MessageDecoder: messages', () => {
  test('fields from the routing key, payload from the body, routes from CC, delivery facts', () => {
    const decoded = decode([testBinding], rawDelivery(7, { content: goodBody, headers: { CC: ['route.index.project.foo', 'other.key', 'route.notify.x'] } }));
    assert.equal(decoded.kind, 'message');
    const message = decoded.kind === 'message' ? decoded.message : assert.fail();
    assert.equal(message.fields.taskId, 'task-1');
    assert.equal(message.fields.runId, '0');
    assert.deepEqual(message.payload, completedPayload('task-1'));
    assert.deepEqual(message.routes, ['index.project.foo', 'notify.x'], 'only route.* entries, without the prefix');
    assert.equal(message.binding, testBinding);
    assert.equal(message.queue, QUEUE);
    assert.equal(message.deliveryCount, 1);
    assert.equal(message.raw.fields.deliveryTag, 7);
  });

  test('fields are decoded once, when first read: the same object every time, and in the JSON form', () => {
    const decoded = decode([testBinding], rawDelivery(3, { content: goodBody }));
    const message = decoded.kind === 'message' ? decoded.message : assert.fail();
    const fields = message.fields;
    assert.equal(message.fields, fields);
    assert.equal(fields.taskId, 'task-1');
    assert.deepEqual(message.toJSON().fields, fields);
    assert.deepEqual(JSON.parse(JSON.stringify(message)).fields, { ...fields });
  });

  test('bound through a CC route only: a binding on a task route takes messages whose primary key it does not match', () => {
    const onRoute = { ...testBinding, routingKeyPattern: 'route.index.project.#' };
    const decoded = decode([onRoute], rawDelivery(1, { content: goodBody, headers: { CC: ['route.index.project.foo'] } }));
    assert.equal(decoded.kind, 'message');
    assert.equal(decoded.kind === 'message' && decoded.message.fields.taskId, 'task-1', 'fields still come from the primary key');
  });

  test('CC as amqplib may give it from other publishers: one string, or Buffers', () => {
    for (const cc of ['route.a', [Buffer.from('route.a')], ['route.a', 7]]) {
      const decoded = decode([testBinding], rawDelivery(1, { content: goodBody, headers: { CC: cc } }));
      assert.ok(decoded.kind === 'message', JSON.stringify(cc));
      assert.deepEqual(decoded.message.routes, ['a'], JSON.stringify(cc));
    }
  });

  test('several bindings on one exchange: any of their patterns binds; the first one is the message binding', () => {
    const [task9, task1] = ['task-9', 'task-1'].map((id) => ({ ...testBinding, routingKeyPattern: TEST_ROUTING_KEY.replace('task-1', id) }));
    const decoded = decode([task9!, task1!], rawDelivery(1, { content: goodBody }));
    assert.equal(decoded.kind, 'message');
    assert.equal(decoded.kind === 'message' && decoded.message.binding, task9);
  });
});
