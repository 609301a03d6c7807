/**
 * Recordings: what listen() receives, written as JSON lines and published
 * again raw by replayRecording(), byte for byte, on RabbitMQ and the embedded
 * broker; the recorded pace; bad lines refused by line and field before any
 * network I/O; feedRecording() driving a bot under test.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { firstValueFrom, take, toArray } from 'rxjs';
import { PulseClient, QueueEvents, slugid, type Binding, type PulseMessage } from '../src/index.js';
import { connectMemoryBroker, discardMemoryBroker, feedRecording, parseRecording, PulsePublisher, readRecording, recordOf, RecordingError, RecordingWriter, replayRecording, type PulseRecord } from '../src/testing/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { NO_BROKER } from './support/cli.js';
import { RABBIT_URL, uniqueName } from './support/rabbit.js';
import { errorsOf, useRabbitSuite } from './support/rabbit-suite.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const directory = mkdtempSync(join(tmpdir(), 'recording-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const file = (name: string) => join(directory, name);

const rawBinding = (exchange: string): Binding => ({
  exchange,
  routingKeyPattern: '#',
  routingKeyReference: [{ name: 'routingKey', required: false, multipleWords: true }],
  name: exchange,
  serviceName: '',
  schema: '',
});

/** Subscribes and resolves with the first `count` messages, within a deadline. */
async function receive(client: PulseClient, binding: Binding, count: number, start: () => Promise<unknown>): Promise<PulseMessage[]> {
  const consuming = new Promise((resolve) => client.once('consuming', resolve));
  const received = firstValueFrom(client.listen(binding).pipe(take(count), toArray()));
  await consuming;
  await start();
  return withDeadline(received, 15_000, `${count} messages`);
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))),
  ]);
}

/** A record without its receive time, to compare two receptions of the same message. */
const wire = ({ time: _time, ...rest }: PulseRecord) => rest;

describe('record and replay on RabbitMQ', () => {
  const exchange = `exchange/guest/${uniqueName('recording')}`;
  const suite = useRabbitSuite({ exchanges: [exchange], connectionPrefix: 'recording-test' });

  test('a replay publishes what was recorded: routing key, CC, properties, headers and the body bytes', async () => {
    const client = suite.newClient();
    const errors = errorsOf(client);
    const channel = await suite.publisher.sideChannel();
    const sent = async () => {
      // JSON as Taskcluster writes it, with task routes in CC...
      suite.publisher.publish(exchange, 'primary.a.b', { status: { state: 'completed' } }, { cc: ['route.index.x', 'route.notify.y'] });
      // ...and JSON written otherwise, with properties and headers of its own.
      channel.publish(exchange, 'other.key', Buffer.from('{ "spaced" : 1.50 }'), {
        contentType: 'application/json',
        messageId: 'm-1',
        timestamp: 1_700_000_000,
        appId: 'a-bot',
        headers: { 'x-trace': 'abc', count: 3, nested: { ok: true } },
      });
      await suite.publisher.publish(exchange, 'last', 'just a string');
    };
    const first = await receive(client, rawBinding(exchange), 3, sent);
    await channel.close();

    const writer = await RecordingWriter.open(file('rabbit.jsonl'));
    for (const message of first) writer.write(recordOf(message));
    await writer.close();
    const written = readFileSync(file('rabbit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    // Two channels: the broker keeps each one's order, not theirs together.
    const lines = ['primary.a.b', 'other.key', 'last'].map((key) => written.find((line) => line.routingKey === key));
    assert.deepEqual(lines[0].body, { status: { state: 'completed' } });
    assert.deepEqual(lines[0].cc, ['route.index.x', 'route.notify.y']);
    assert.equal(lines[0].properties.deliveryMode, 2);
    assert.equal(Buffer.from(lines[1].bodyBase64, 'base64').toString(), '{ "spaced" : 1.50 }', 'JSON not written as JSON.stringify writes it is kept as bytes');
    assert.deepEqual(lines[1].properties, { contentType: 'application/json', messageId: 'm-1', timestamp: 1_700_000_000, appId: 'a-bot', headers: { 'x-trace': 'abc', count: 3, nested: { ok: true } } });

    const records = await readRecording(file('rabbit.jsonl'));
    const second = await receive(suite.newClient(), rawBinding(exchange), 3, () => replayRecording(records, { url: RABBIT_URL, pace: 'fast' }));
    // Replayed from one channel, in the recorded order.
    assert.deepEqual(second.map((m) => wire(recordOf(m))), first.map((m) => wire(recordOf(m))));
    assert.deepEqual(lines[2].body, 'just a string');
    assert.deepEqual(errors, []);
  });
});

describe('replay on the embedded broker', () => {
  const url = `memory://recording-${randomBytes(4).toString('hex')}`;
  after(() => discardMemoryBroker(url));
  const exchange = 'exchange/test/paced';
  const at = (ms: number, key: string): PulseRecord => ({
    time: new Date(Date.UTC(2025, 0, 1) + ms).toISOString(),
    exchange,
    routingKey: key,
    cc: [],
    properties: { contentType: 'application/json', deliveryMode: 2 },
    body: { key },
  });
  const records = [at(0, 'a'), at(500, 'b'), at(1000, 'c')];
  before(async () => {
    // The bots bind before the first replay declares the exchanges.
    const connection = await connectMemoryBroker(url);
    const channel = await connection.createChannel();
    for (const name of [exchange, 'exchange/taskcluster-queue/v1/task-completed']) await channel.assertExchange(name, 'topic', { durable: true });
    await connection.close();
  });

  test('at recorded pace the gaps are kept (or divided by speed); fast does not wait', async () => {
    const client = new PulseClient({ url });
    try {
      const times: number[] = [];
      let started = 0;
      const received = await receive(client, rawBinding(exchange), 3, async () => {
        started = performance.now();
        await replayRecording(records, { url, onPublished: () => times.push(performance.now() - started) });
      });
      assert.deepEqual(received.map((m) => m.routingKey), ['a', 'b', 'c']);
      // Sleeps never end early, so the lower bounds hold on any machine.
      assert.ok(times[1]! >= 490 && times[2]! >= 990, `published at ${times.map(Math.round).join(', ')} ms`);

      const faster = await replayRecording(records, { url, speed: 4 });
      assert.ok(faster.elapsedMs >= 245, `speed 4 took ${faster.elapsedMs} ms`);
      const fast = await replayRecording(records, { url, pace: 'fast' });
      assert.equal(fast.published, 3);
      assert.ok(fast.elapsedMs < 1000, `fast took ${fast.elapsedMs} ms, the recording spans 1000 ms`);
    } finally {
      await client.close();
    }
  });

  test('an aborted replay stops between messages and says how many went out', async () => {
    const controller = new AbortController();
    const replay = replayRecording(records, { url, onPublished: (_, i) => i === 0 && controller.abort(), signal: controller.signal });
    assert.equal((await withDeadline(replay, 5_000, 'end of the aborted replay')).published, 1);
  });

  test('feedRecording() feeds a recording file to a bot under test', async () => {
    const taskIds = [slugid(), slugid()];
    const publisher = new PulsePublisher({ url });
    const bot = new PulseClient({ url });
    try {
      // Recorded once from a live stream...
      const recorder = new PulseClient({ url });
      const recorded = await receive(recorder, new QueueEvents().taskCompleted(), 2, () =>
        Promise.all(taskIds.map((taskId) => publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId), routes: [`index.${taskId}`] }))),
      );
      await recorder.close();
      writeFileSync(file('bot.jsonl'), recorded.map((m) => JSON.stringify(recordOf(m))).join('\n'));
      // ...then fed to the bot, which sees the same messages.
      const seen = await receive(bot, new QueueEvents().taskCompleted({ provisionerId: 'prov' }), 2, () => feedRecording(file('bot.jsonl'), { url }));
      assert.deepEqual(seen.map((m) => [m.fields.taskId, m.routes, (m.payload as { status: { state: string } }).status.state]), [
        [taskIds[0], [`index.${taskIds[0]}`], 'completed'],
        [taskIds[1], [`index.${taskIds[1]}`], 'completed'],
      ]);
    } finally {
      await Promise.all([bot.close(), publisher.close()]);
    }
  });
});

describe('bad recordings and options are refused before any network I/O', () => {
  const good = JSON.stringify({ time: '2025-01-01T00:00:00.000Z', exchange: 'exchange/x', routingKey: 'k', cc: [], properties: {}, body: {} });
  const cases: [string, string, RegExp][] = [
    ['not JSON', `${good}\n{oops`, /^rec line 2: is not JSON/],
    ['a field of the wrong type', good.replace('"routingKey":"k"', '"routingKey":5'), /^rec line 1: "routingKey" must be a string, got a number$/],
    ['an unknown field', good.replace('"cc":[]', '"cc":[],"extra":1'), /^rec line 1: "extra" is not a record field/],
    ['both bodies', good.replace('"body":{}', '"body":{},"bodyBase64":"AA=="'), /"body" exactly one of "body" \(JSON\) and "bodyBase64" must be present/],
    ['no body', good.replace(',"body":{}', ''), /"body" exactly one of/],
    ['CC among the headers', good.replace('"properties":{}', '"properties":{"headers":{"CC":["a"]}}'), /"properties.headers.CC" belongs in "cc"/],
    ['an unknown property', good.replace('"properties":{}', '"properties":{"colour":"red"}'), /"properties.colour" is not an AMQP property/],
    ['a bad time', good.replace('2025-01-01T00:00:00.000Z', 'yesterday'), /"time" must be an ISO 8601 date string/],
    ['a long routing key', good.replace('"routingKey":"k"', `"routingKey":"${'k'.repeat(256)}"`), /"routingKey" must be at most 255 bytes/],
  ];
  for (const [what, text, message] of cases) {
    test(what, () => assert.throws(() => parseRecording(text, 'rec'), (error: unknown) => error instanceof RecordingError && message.test(error.message)));
  }

  test('replayRecording checks records and options before connecting (to a broker that is not there)', async () => {
    const record = parseRecording(good)[0]!;
    await assert.rejects(replayRecording([{ ...record, cc: 'route.x' } as unknown as PulseRecord], { url: NO_BROKER }), /^RecordingError: records\[0\]: "cc" must be an array/);
    await assert.rejects(replayRecording([record], { url: NO_BROKER, pace: 'slow' as 'fast' }), /pace must be "recorded" or "fast"/);
    await assert.rejects(replayRecording([record], { url: NO_BROKER, speed: 0 }), /speed must be a positive number/);
    await assert.rejects(replayRecording([record], { url: 'localhost' }), /^PulseConfigError: url: must be a URL like/);
  });

  test('a broker that cannot be reached is reported without the password', async () => {
    const record = parseRecording(good)[0]!;
    const error = await replayRecording([record], { url: 'amqp://guest:s3cret-pw@127.0.0.1:1' }).then(() => undefined, (e: Error) => e);
    assert.ok(error instanceof Error);
    assert.match(error.message, /cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
    assert.ok(!`${error.message} ${String(error.stack)}`.includes('s3cret-pw'));
  });

  test('a server that accepts TCP and never answers: the replay fails after the 10 s connect timeout, not never', { timeout: 30_000 }, async () => {
    const blackHole = await startTcpProxy('black-hole');
    try {
      const started = Date.now();
      const error = await replayRecording(parseRecording(good), { url: blackHole.url.replace('guest:guest', 'guest:s3cret-pw') }).then(() => undefined, (e: Error) => e);
      const elapsedMs = Date.now() - started;
      assert.ok(error instanceof Error);
      assert.match(error.message, /^cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:\d+: connection attempt timed out after 10000 ms$/);
      assert.ok(elapsedMs >= 9_500 && elapsedMs <= 15_000, `failed after ${elapsedMs} ms`);
    } finally {
      await blackHole.close();
    }
  });
});
