/**
 * The pure parts of decoding: strict UTF-8 and the `validate`/`schemas`
 * options. No broker needed (the embedded one where a subscription must start).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { QueueEvents, slugid, type JsonSchemaDocument } from '../src/index.js';
import { discardMemoryBroker } from '../src/testing/index.js';
import { MalformedMessageError, PulseClient, PulseConfigError } from '../src/pulse/index.js';
import type { AmqpMessage } from '../src/pulse/amqp-api.js';
import { MessageDecoder } from '../src/pulse/message-decoder.js';
import type { DeliveryChannel } from '../src/pulse/pulse-message.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { REPO } from './support/project-references.js';
import { routingKeyFor } from './support/rabbit-fixtures.js';

const binding = new QueueEvents().taskCompleted();
const TASK_ID = slugid();
const channel: DeliveryChannel = { alive: true, ended: new Promise(() => undefined), brokerCountsDeliveries: false, settle: () => 'sent' };

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

describe('the validate option', () => {
  const customSchemas = (schema: Record<string, unknown>): ReadonlyMap<string, JsonSchemaDocument> =>
    new Map([[binding.schema, { $id: `${binding.schema}#`, ...schema } as JsonSchemaDocument]]);

  test('bad values fail at once, naming the field and the rule, before any network I/O', () => {
    const client = new PulseClient({ url: 'amqp://nobody:secret@127.0.0.1:1', reconnect: { maxAttempts: 1 } });
    const unshipped = { ...binding, schema: '/schemas/my-service/v1/my-message.json' };
    const cases: Array<[() => unknown, RegExp]> = [
      [() => client.listen(binding, { validate: 'yes' as never }), /^validate: must be true or false, got "yes"$/],
      [() => client.listen(binding, { schemas: new Map() }), /^schemas: only applies with validate: true$/],
      [() => client.listen(binding, { validate: true, schemas: {} as never }), /^schemas: must be a Map of schemas by path/],
      [() => client.listen(binding, { validate: true, schemas: new Map() }), /^schemas: has no \/schemas\/queue\/v1\/task-completed-message\.json, needed to validate messages from exchange\/taskcluster-queue\/v1\/task-completed/],
      [() => client.listen(unshipped, { validate: true }), /^validate: the package has no schema \/schemas\/my-service\/v1\/my-message\.json for messages from exchange\/taskcluster-queue\/v1\/task-completed; give the deployment's `schemas`/],
      [() => client.consume(binding, () => undefined, { validate: 1 as never }), /^validate: must be true or false, got 1$/],
      // A schema reached through a $ref counts too.
      [() => client.listen(binding, { validate: true, schemas: customSchemas({ $ref: 'gone.json#' }) }), /^schemas: has no \/schemas\/queue\/v1\/gone\.json, needed to validate/],
    ];
    for (const [call, message] of cases) assert.throws(call, (e: Error) => e instanceof PulseConfigError && message.test(e.message), String(message));
    assert.equal(client.connected, false);
  });

  test('payloads are checked against the schemas given, e.g. a deployment’s own', () => {
    const schemas = customSchemas({ type: 'object', required: ['deployment'], properties: { deployment: { type: 'string' } } });
    const decoder = new MessageDecoder([binding], { validate: true, schemas });
    decoder.prepare();
    const valid = decoder.decode(delivery(Buffer.from(JSON.stringify({ deployment: 'staging' }))), 'queue/q', channel);
    assert.equal(valid.kind, 'message');
    // Valid by the package's schema, not by the one given.
    const invalid = decoder.decode(delivery(Buffer.from(JSON.stringify(completedPayload(TASK_ID)))), 'queue/q', channel);
    assert.equal(invalid.kind, 'malformed');
    assert.match(
      invalid.kind === 'malformed' ? invalid.error.message : '',
      /: payload does not match \/schemas\/queue\/v1\/task-completed-message\.json: \(payload\) must have required property 'deployment' \(required\); rejected without requeue$/,
    );
  });

  test('a schema that does not compile ends the stream when it is subscribed, before consuming', async () => {
    const url = `memory://decode-units-${slugid()}`;
    const client = new PulseClient({ url });
    const consuming: unknown[] = [];
    client.on('consuming', (info) => consuming.push(info));
    try {
      const stream = client.listen(binding, { validate: true, schemas: customSchemas({ type: 'no-such-type' }) });
      const error = await new Promise<Error>((resolve) => stream.subscribe({ error: resolve }));
      assert.ok(error instanceof PulseConfigError, String(error));
      assert.match(error.message, /^schemas: schema \/schemas\/queue\/v1\/task-completed-message\.json does not compile: /);
      assert.deepEqual(consuming, []);
    } finally {
      await client.close();
      discardMemoryBroker(url);
    }
  });

  test('ajv is loaded when a validating subscription starts, not before', () => {
    const code = `
      import { createRequire } from 'node:module';
      const { PulseClient, QueueEvents } = await import('./src/index.ts');
      await import('./src/memory-broker/index.ts');
      const ajvLoaded = () => Object.keys(createRequire(process.cwd() + '/').cache).some((file) => file.includes('/node_modules/ajv/'));
      const client = new PulseClient({ url: 'memory://lazy-ajv' });
      const stream = client.listen(new QueueEvents().taskCompleted(), { validate: true });
      const made = ajvLoaded();
      const subscription = stream.subscribe({ error: () => undefined });
      const subscribed = ajvLoaded();
      subscription.unsubscribe();
      await client.close();
      console.log(JSON.stringify({ made, subscribed }));
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    assert.deepEqual(JSON.parse(output), { made: false, subscribed: true });
  });
});
