/**
 * Decoding received messages on the real broker: strict UTF-8.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { QueueMessages } from '../src/index.js';
import { MalformedMessageError, type PulseClient, type PulseMessage } from '../src/pulse/index.js';
import { eventually } from './support/rabbit.js';
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
async function deadLetteredListener(prefix: string) {
  const client = newClient();
  const errors = errorsOf(client);
  const binding = events.taskCompleted();
  const queueName = queueFor(prefix);
  const deadLetter = suite.deadLetterFor(queueName);
  const received: PulseMessage<QueueMessages['taskCompleted']>[] = [];
  const subscription = client.listen(binding, { queueName, queueType: 'classic', deadLetter }).subscribe((m) => received.push(m));
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
});
