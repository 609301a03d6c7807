/**
 * The pure parts of decoding: strict UTF-8. No broker needed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueueEvents, slugid } from '../src/index.js';
import { MalformedMessageError } from '../src/pulse/index.js';
import type { AmqpMessage } from '../src/pulse/amqp-api.js';
import { MessageDecoder } from '../src/pulse/message-decoder.js';
import type { DeliveryChannel } from '../src/pulse/pulse-message.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { routingKeyFor } from './support/rabbit-fixtures.js';

const binding = new QueueEvents().taskCompleted();
const TASK_ID = slugid();
const channel: DeliveryChannel = { alive: true, settle: () => 'sent' };

function delivery(content: Buffer): AmqpMessage {
  return {
    content,
    fields: { deliveryTag: 1, redelivered: false, exchange: binding.exchange, routingKey: routingKeyFor(binding, completedFields(TASK_ID)) },
    properties: { headers: { CC: ['route.index.x'] } },
  };
}

/** A task-completed body with `bytes` inside a string: valid JSON whatever the bytes, once decoded leniently. */
function bodyWith(bytes: readonly number[]): Buffer {
  const [before, after] = JSON.stringify({ ...completedPayload(TASK_ID), note: '|' }).split('|') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
}

describe('MessageDecoder: UTF-8', () => {
  test('invalid UTF-8 is malformed, not silently replaced with U+FFFD', () => {
    const decoder = new MessageDecoder([binding]);
    const invalid: Record<string, number[]> = {
      'a Latin-1 byte': [0xe9, 0x74, 0xe9],
      'a bad continuation byte': [0xc3, 0x28],
      'a lone continuation byte': [0x80],
      'an overlong encoding of /': [0xc0, 0xaf],
      'an encoded surrogate': [0xed, 0xa0, 0x80],
      'a code point above U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
      'a truncated sequence': [0xe2, 0x82],
      'a byte that never occurs': [0xff],
    };
    for (const [what, bytes] of Object.entries(invalid)) {
      const decoded = decoder.decode(delivery(bodyWith(bytes)), 'queue/q', channel);
      assert.equal(decoded.kind, 'malformed', what);
      assert.ok(decoded.kind === 'malformed' && decoded.error instanceof MalformedMessageError);
      assert.match(decoded.error.message, /: body is not valid UTF-8 \(\d+ bytes\); rejected without requeue$/, what);
    }
  });

  test('valid multi-byte UTF-8 decodes exactly', () => {
    const decoder = new MessageDecoder([binding]);
    for (const text of ['é', '€ 100', '日本語', '😀', '\u{10FFFF}']) {
      const decoded = decoder.decode(delivery(bodyWith([...Buffer.from(text)])), 'queue/q', channel);
      assert.equal(decoded.kind, 'message', text);
      assert.equal(decoded.kind === 'message' && (decoded.message.payload as { note: string }).note, text);
    }
  });
});
