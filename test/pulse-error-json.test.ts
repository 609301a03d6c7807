/**
 * The JSON form of every public error class (`toJSON`, for structured logs):
 * name, message, the fields of its class and a summary of its cause; never a
 * secret, a raw buffer or a channel.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { decodeRoutingKey, QueueEvents, slugid } from '../src/index.js';
import * as pulse from '../src/pulse/index.js';
import { ReceivedMessage } from '../src/pulse/pulse-message.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { routingKeyFor } from './support/rabbit-fixtures.js';

const binding = new QueueEvents().taskCompleted();
const TASK_ID = slugid();

describe('toJSON of every public error class', () => {
  const info = { queue: 'queue/bot/q', exchange: binding.exchange, routingKey: 'primary.x', redelivered: true };
  // Secrets other libraries put in their messages: an AMQP URL, a Hawk bewit, a Hawk header's MAC.
  const leaky = new Error(
    'failed on amqps://bot:s3cret-pw@pulse.example.com:5671/vhost, GET https://tc.example.com/api/queue/v1/task/x?bewit=Ym90XDE2MDAwMDAwMDBcc2VjcmV0bWFj; Authorization: Hawk id="bot", ts="1", nonce="n", mac="c2VjcmV0LW1hYw=="',
    { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) },
  );
  // A message whose channel is circular, as amqplib's is.
  const circular: { self?: unknown } = {};
  circular.self = circular;
  const raw = {
    content: Buffer.from(JSON.stringify(completedPayload(TASK_ID))),
    fields: { deliveryTag: 1, redelivered: false, exchange: binding.exchange, routingKey: routingKeyFor(binding, completedFields(TASK_ID)) },
    properties: {},
  };
  const fields = decodeRoutingKey(binding, raw.fields.routingKey);
  const message = new ReceivedMessage(raw, binding, fields, ['index.x'], completedPayload(TASK_ID), 'queue/bot/q', 3, Object.assign(circular, { alive: true, ended: new Promise(() => undefined), brokerCountsDeliveries: false, settle: () => 'sent' as const }));
  const messageJson = {
    exchange: binding.exchange,
    routingKey: raw.fields.routingKey,
    fields: { ...fields },
    routes: ['index.x'],
    payload: completedPayload(TASK_ID),
    redelivered: false,
    deliveryCount: 3,
    queue: 'queue/bot/q',
    settled: false,
  };
  const amqpError = (text: string, code: number) => Object.assign(new Error(text), { code });

  const cases: Record<string, [Error, Record<string, unknown>]> = {
    MalformedMessageError: [
      new pulse.MalformedMessageError(info, Buffer.from('{not json'), 'body is not JSON', { cause: new SyntaxError('Unexpected token n') }),
      { delivery: info, contentBytes: 9, contentPreview: '{not json', cause: { name: 'SyntaxError', message: 'Unexpected token n' } },
    ],
    UnboundMessageError: [new pulse.UnboundMessageError(info), { delivery: info }],
    StaleDeliveryError: [new pulse.StaleDeliveryError(info, 'ack'), { delivery: info, operation: 'ack' }],
    ConsumerCancelledError: [new pulse.ConsumerCancelledError('queue/bot/q'), { queue: 'queue/bot/q' }],
    QueueDeletedError: [new pulse.QueueDeletedError('queue/bot/q'), { queue: 'queue/bot/q' }],
    CredentialsProviderError: [
      new pulse.CredentialsProviderError('the credentials provider failed: vault down', { cause: new Error('https://ci:***@vault.invalid down') }),
      { cause: { name: 'Error', message: 'https://ci:***@vault.invalid down' } },
    ],
    ChannelClosedError: [
      new pulse.ChannelClosedError('queue/bot/q', 406, { cause: amqpError('PRECONDITION_FAILED - unknown delivery tag 3', 406) }),
      { queue: 'queue/bot/q', code: 406, cause: { name: 'Error', message: 'PRECONDITION_FAILED - unknown delivery tag 3', code: 406 } },
    ],
    QueueSetupError: [
      new pulse.QueueSetupError('queue/bot/q', 403, 'declaring the queue', { cause: amqpError('ACCESS_REFUSED', 403) }),
      { queue: 'queue/bot/q', code: 403, cause: { name: 'Error', message: 'ACCESS_REFUSED', code: 403 } },
    ],
    DeliveryLimitError: [
      new pulse.DeliveryLimitError(info, message, 3, true, { cause: leaky }),
      { delivery: info, deliveryCount: 3, deadLettered: true, pulseMessage: messageJson },
    ],
    ClientClosedError: [new pulse.ClientClosedError(), {}],
    ConnectionFailedError: [
      new pulse.ConnectionFailedError('could not connect to amqp://bot:***@127.0.0.1:1 after 1 attempts: connect ECONNREFUSED', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      }),
      { cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' } },
    ],
    PulseConfigError: [new pulse.PulseConfigError('prefetch', 'must be an integer 1-65535, got 0'), { field: 'prefetch' }],
    UnsupportedSchemeError: [new pulse.UnsupportedSchemeError('unsupported broker URL scheme "http:"'), {}],
    ConnectTimeoutError: [new pulse.ConnectTimeoutError(10_000), { timeoutMs: 10_000 }],
    HeartbeatTimeoutError: [new pulse.HeartbeatTimeoutError(20, 40_512), { heartbeatSeconds: 20, silentMs: 40_512 }],
    HandlerTimeoutError: [new pulse.HandlerTimeoutError(info, message, 2, 150), { delivery: info, deliveryCount: 2, timeoutMs: 150, pulseMessage: messageJson }],
    RetryDelayError: [
      new pulse.RetryDelayError(2, 2000, 'threw', { cause: new RangeError('bad delay') }),
      { deliveryCount: 2, fallbackMs: 2000, cause: { name: 'RangeError', message: 'bad delay' } },
    ],
    MessageReleasedError: [
      new pulse.MessageReleasedError(info, message, 'retry-pending', true),
      { delivery: info, reason: 'retry-pending', lost: true, pulseMessage: messageJson },
    ],
    PermanentError: [new pulse.PermanentError('task definition invalid', { cause: new TypeError('no payload') }), { cause: { name: 'TypeError', message: 'no payload' } }],
    PermanentFailureError: [
      new pulse.PermanentFailureError(info, message, 1, false, { cause: new pulse.PermanentError('bad task') }),
      { delivery: info, deliveryCount: 1, deadLettered: false, pulseMessage: messageJson, cause: { name: 'PermanentError', message: 'bad task' } },
    ],
    RetryQueueError: [
      new pulse.RetryQueueError(info, 'queue/bot/q/retry/1000', { cause: new Error('no confirm within 10000 ms') }),
      { delivery: info, retryQueue: 'queue/bot/q/retry/1000', cause: { name: 'Error', message: 'no confirm within 10000 ms' } },
    ],
    HoldingQueueError: [
      new pulse.HoldingQueueError(info, 'queue/bot/q/held/6f1c', 'release', { cause: new Error('Channel closed') }),
      { delivery: info, holdingQueue: 'queue/bot/q/held/6f1c', step: 'release', cause: { name: 'Error', message: 'Channel closed' } },
    ],
    FailureClassifierError: [
      new pulse.FailureClassifierError(info, 'threw', { cause: new Error('classifier bug') }),
      { delivery: info, cause: { name: 'Error', message: 'classifier bug' } },
    ],
    StaleBindingsError: [
      new pulse.StaleBindingsError('queue/bot/q', 'http://h:15672/api/queues/%2F/queue%2Fbot%2Fq/bindings', 'unreachable (ECONNREFUSED)', undefined, { cause: new Error('connect ECONNREFUSED 127.0.0.1:15672') }),
      { queue: 'queue/bot/q', url: 'http://h:15672/api/queues/%2F/queue%2Fbot%2Fq/bindings', cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:15672' } },
    ],
  };

  test('covers every error class the package exports', () => {
    const exported = Object.entries(pulse)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(exported, Object.keys(cases).sort());
  });

  for (const [name, [error, fields]] of Object.entries(cases)) {
    test(`${name}: name, message, its fields and a cause summary`, () => {
      const json = JSON.parse(JSON.stringify(error));
      if (name === 'DeliveryLimitError') {
        // Its message quotes the cause's: masked like the cause.
        assert.match(json.message, /^handler failed on delivery 3 .*: failed on amqps:\/\/bot:\*\*\*@pulse\.example\.com/);
        assert.deepEqual(Object.keys(json.cause), ['name', 'message', 'cause']);
        assert.deepEqual(json.cause.cause, { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' });
        // The whole Hawk header goes: its ext carries a certificate's signature.
        assert.match(json.cause.message, /amqps:\/\/bot:\*\*\*@pulse\.example\.com:5671\/vhost, GET .*\?bewit=\[redacted\] Authorization: \[redacted\]$/);
        delete json.message;
        delete json.cause;
      } else {
        assert.equal(json.message, error.message);
        delete json.message;
      }
      assert.deepEqual(json, { name, ...fields });
    });
  }

  test('no secret, no raw buffer and no channel in any of them, as JSON or inspected', () => {
    for (const [name, [error]] of Object.entries(cases)) {
      const text = JSON.stringify(error);
      for (const secret of ['s3cret-pw', 'Ym90XDE2MDAwMDAwMDBcc2VjcmV0bWFj', 'c2VjcmV0LW1hYw==', '"type":"Buffer"', 'self']) {
        assert.ok(!text.includes(secret), `${name} JSON includes ${secret}: ${text}`);
      }
    }
    assert.doesNotMatch(inspect(cases.DeliveryLimitError![0], { depth: 8 }), /\b(self|settle|alive): |\[Circular/);
  });
});
