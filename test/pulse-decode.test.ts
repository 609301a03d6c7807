/**
 * Decoding received messages on the real broker: strict UTF-8, schema
 * validation on receive, and messages and errors that log as JSON.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { slugid, type QueueMessages } from '../src/index.js';
import { ConnectionFailedError, DeliveryLimitError, MalformedMessageError, type PulseClient, type PulseMessage } from '../src/pulse/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { consumingOn, eventually, RABBIT_URL } from './support/rabbit.js';
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

  test('a received message logs as JSON and inspects readably: delivery and content, no channel, no raw body', async () => {
    const client = newClient();
    const binding = events.taskCompleted({ taskId: 'logged' });
    const ready = consumingOn(client);
    const received = firstValueFrom(client.listen(binding, { ack: 'manual' }));
    await ready;
    await publishCompleted(suite.publisher, binding, 'logged', ['route.index.project.logged']);
    const message = await received;
    const expected = {
      exchange: binding.exchange,
      routingKey: routingKeyFor(binding, taskFields('logged')),
      fields: message.fields,
      routes: ['index.project.logged'],
      payload: taskCompletedBody('logged'),
      redelivered: false,
      deliveryCount: 1,
      queue: message.queue,
      settled: false,
    };
    assert.deepEqual(JSON.parse(JSON.stringify(message)), expected);
    message.ack();
    assert.equal(JSON.parse(JSON.stringify(message)).settled, true);

    const shown = inspect(message, { depth: 4 });
    assert.match(shown, /^PulseMessage \{/);
    assert.match(shown, /taskId: 'logged'/);
    assert.doesNotMatch(shown, /channel|Buffer|consumerTag|deliveryTag|raw/i);
  });

  test('a DeliveryLimitError logs as JSON with the message, the count and the cause, credentials masked', async () => {
    const client = newClient();
    const binding = events.taskCompleted({ taskId: 'given-up' });
    const ready = consumingOn(client);
    const reported = new Promise<Error>((resolve) => client.on('error', resolve));
    const outcomes = client
      .consume(
        binding,
        () => {
          throw new Error('database down at postgres://app:hunter2@db.internal/prod');
        },
        { maxDeliveries: 1 },
      )
      .subscribe();
    await ready;
    await publishCompleted(suite.publisher, binding, 'given-up');
    const error = await reported;
    assert.ok(error instanceof DeliveryLimitError, String(error));
    const text = JSON.stringify(error);
    assert.doesNotMatch(text, /hunter2/);
    const json = JSON.parse(text);
    assert.equal(json.name, 'DeliveryLimitError');
    assert.match(json.message, /handler failed on delivery 1 .* postgres:\/\/app:\*\*\*@db\.internal\/prod/);
    assert.equal(json.deliveryCount, 1);
    assert.equal(json.deadLettered, false);
    assert.equal(json.delivery.exchange, binding.exchange);
    assert.equal(json.pulseMessage.fields.taskId, 'given-up');
    assert.deepEqual(json.pulseMessage.payload, taskCompletedBody('given-up'));
    assert.deepEqual(json.cause, { name: 'Error', message: 'database down at postgres://app:***@db.internal/prod' });
    // The message shows as its JSON form; no channel or raw delivery fields (stack frames may name functions so).
    assert.doesNotMatch(inspect(error, { depth: 6 }), /\b(channel|raw|content|deliveryTag|consumerTag): /);
    outcomes.unsubscribe();
  });

  test('a ConnectionFailedError (credentials refused) logs as JSON without the password', async () => {
    const client = newClient({ url: RABBIT_URL.replace('guest:guest@', 'guest:not-the-password-4711@'), reconnect: { maxAttempts: 1 } });
    const error = await firstValueFrom(client.listen(events.taskCompleted())).then(
      () => assert.fail('no message expected'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ConnectionFailedError, String(error));
    const text = JSON.stringify(error);
    assert.doesNotMatch(text, /not-the-password-4711/);
    const json = JSON.parse(text);
    assert.equal(json.name, 'ConnectionFailedError');
    assert.match(json.message, /refused the credentials/);
    assert.match(json.message, /guest:\*\*\*@127\.0\.0\.1/);
    assert.equal(typeof json.cause?.message, 'string');
  });
});
