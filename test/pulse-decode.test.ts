/**
 * Decoding received messages on the real broker: strict UTF-8 and schema
 * validation on receive.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { slugid, type QueueMessages } from '../src/index.js';
import { MalformedMessageError, type PulseClient, type PulseMessage } from '../src/pulse/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { consumingOn, eventually } from './support/rabbit.js';
import { errorsOf, useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, publishCompleted, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const suite = useRabbitSuite({ exchanges: [events.taskCompleted().exchange], connectionPrefix: 'pulse-decode-test' });
const { newClient, queueFor } = suite;

/** Waits until the client's named queue has its consumer. */
const consumerOn = (client: PulseClient, queueName: string) =>
  eventually(async () => (await client.queueStatus(queueName).catch(() => ({ consumerCount: 0 }))).consumerCount === 1, 'consumer');

/** The bodies of the messages in a queue, read (and removed) from outside the client. */
async function bodiesIn(queue: string, count: number): Promise<Buffer[]> {
  const channel = await suite.publisher.sideChannel();
  const bodies: Buffer[] = [];
  try {
    await eventually(async () => {
      const message = await channel.get(queue, { noAck: true });
      if (message) bodies.push(message.content);
      return bodies.length === count;
    }, `${count} messages in ${queue}`);
  } finally {
    await channel.close().catch(() => undefined);
  }
  return bodies;
}

/** A listener on a fresh named classic queue with a dead-letter queue, consuming; collects messages and errors. */
async function deadLetteredListener(prefix: string, options: { readonly validate?: boolean } = {}) {
  const client = newClient();
  const errors = errorsOf(client);
  const binding = events.taskCompleted();
  const queueName = queueFor(prefix);
  const deadLetter = suite.deadLetterFor(queueName);
  const received: PulseMessage<QueueMessages['taskCompleted']>[] = [];
  const subscription = client.listen(binding, { queueName, queueType: 'classic', deadLetter, ...options }).subscribe((m) => received.push(m));
  await consumerOn(client, queueName);
  return { client, errors, binding, received, subscription, deadQueue: `queue/guest/${deadLetter.queue}` };
}

describe('decoding on the real broker', () => {
  test('a body that is not valid UTF-8 is malformed: dead-lettered unchanged, reported, and the stream goes on', async () => {
    const { errors, binding, received, subscription, deadQueue } = await deadLetteredListener('utf8');
    // Valid JSON once the bad bytes are replaced with U+FFFD: only a strict decoder notices.
    const json = JSON.stringify({ ...taskCompletedBody('latin1'), note: 'XX' });
    const body = Buffer.from(json.replace('XX', '\u0000\u0000'));
    body.set([0xe9, 0x28], body.indexOf(0));
    await suite.publisher.publish(binding.exchange, routingKeyFor(binding, taskFields('latin1')), body);
    await publishCompleted(suite.publisher, binding, 'good');
    await eventually(() => received.length > 0, 'the good message after the bad one');
    assert.deepEqual(received.map((m) => m.fields.taskId), ['good']);
    const malformed = errors.find((e) => e instanceof MalformedMessageError);
    assert.ok(malformed, `a MalformedMessageError was reported: ${errors.map(String).join('; ')}`);
    assert.match(malformed.message, /body is not valid UTF-8/);
    assert.deepEqual((await bodiesIn(deadQueue, 1))[0], body, 'dead-lettered byte for byte');
    subscription.unsubscribe();
  });

  test('validate: a payload against the schema is dead-lettered and reported by path and rule, a valid one passes; off by default', async () => {
    const { client, errors, binding, received, subscription, deadQueue } = await deadLetteredListener('validated', { validate: true });
    const unchecked: string[] = [];
    const uncheckedReady = consumingOn(client);
    const plain = client.listen(binding).subscribe((m) => unchecked.push(m.payload.status.taskId));
    await uncheckedReady;

    const [badId, goodId] = [slugid(), slugid()];
    const bad = completedPayload(badId);
    const badBody = { ...bad, status: { ...bad.status, state: 'done' } };
    await suite.publisher.publish(binding.exchange, routingKeyFor(binding, completedFields(badId)), badBody);
    await suite.publisher.publish(binding.exchange, routingKeyFor(binding, completedFields(goodId)), completedPayload(goodId));
    await eventually(() => received.length > 0 && unchecked.length === 2, 'the valid message, and both without validation');

    assert.deepEqual(received.map((m) => m.payload.status.taskId), [goodId]);
    assert.deepEqual(unchecked, [badId, goodId], 'without validate, the invalid payload is delivered');
    const malformed = errors.find((e) => e instanceof MalformedMessageError);
    assert.ok(malformed, `a MalformedMessageError was reported: ${errors.map(String).join('; ')}`);
    assert.match(malformed.message, /payload does not match \/schemas\/queue\/v1\/task-completed-message\.json: \/status\/state must be one of \["unscheduled",.*\] \(enum\)/);
    assert.equal(malformed.delivery.routingKey, routingKeyFor(binding, completedFields(badId)));
    const [dead] = await bodiesIn(deadQueue, 1);
    assert.deepEqual(JSON.parse(dead!.toString()), badBody);
    subscription.unsubscribe();
    plain.unsubscribe();
  });
});
