/**
 * The logger: every event a client reports goes to a configured logger; with
 * none, reported errors still reach stderr as JSON lines while nobody listens
 * for 'error'. On the embedded broker, which simulates connection loss.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { connectMemoryBroker, getMemoryBroker } from '../src/memory-broker/index.js';
import { jsonLineLogger, PulseClient, type PulseLogger } from '../src/pulse/index.js';
import { eventually } from './support/rabbit.js';
import { recordingLogger } from './support/recording-logger.js';
import { privateQueueEvents, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';

/** Lines written to process.stderr while `work` runs (the default logger writes there). */
async function stderrDuring(work: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await work();
  } finally {
    process.stderr.write = original;
  }
  return lines;
}

/** A memory broker with a task-completed exchange, and a way to publish on it. */
async function memoryBroker() {
  const url = `memory://logger-${randomBytes(4).toString('hex')}`;
  const binding = privateQueueEvents().taskCompleted();
  const connection = await connectMemoryBroker(url);
  const channel = await connection.createChannel();
  await channel.assertExchange(binding.exchange, 'topic', { durable: true });
  const routingKey = routingKeyFor(binding, taskFields('task-a'));
  return {
    url,
    binding,
    publish: (body: unknown) => channel.publish(binding.exchange, routingKey, Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)), { contentType: 'application/json' }),
    close: () => connection.close(),
  };
}

describe('jsonLineLogger', () => {
  test('one JSON object per line: time, level, the fields, the message; unserializable fields do not throw', () => {
    const lines: string[] = [];
    const logger = jsonLineLogger((line) => lines.push(line));
    logger.warn({ event: 'error', queue: 'q' }, 'something');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.error(circular, 'still logged');
    assert.equal(lines.length, 2);
    assert.ok(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n')));
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), ['time', 'level', 'event', 'queue', 'message']);
    assert.equal(first.level, 'warn');
    assert.ok(!Number.isNaN(Date.parse(first.time as string)));
    assert.equal((JSON.parse(lines[1]!) as { message: string }).message, 'still logged');
  });
});

describe('PulseClient logging', () => {
  test('no logger and no error listener: a malformed message is one JSON line on stderr; with a listener, the bot keeps control', async () => {
    const broker = await memoryBroker();
    const client = new PulseClient({ url: `${broker.url.replace('memory://', 'memory://bot:S3cr/etXq9@')}`, namespace: 'bot' });
    const received: unknown[] = [];
    const subscription = client.listen(broker.binding).subscribe((message) => received.push(message));
    try {
      await eventually(() => client.connected, 'the client to connect', 10_000);
      const unheard = await stderrDuring(async () => {
        await eventually(() => getMemoryBroker(broker.url).queueNames().length > 0, 'the queue', 10_000);
        broker.publish(Buffer.from('not json'));
        broker.publish(taskCompletedBody('task-a'));
        await eventually(() => received.length === 1, 'the good message', 10_000);
      });
      assert.equal(unheard.length, 1, unheard.join(''));
      const line = JSON.parse(unheard[0]!) as Record<string, unknown>;
      assert.equal(line.level, 'warn');
      assert.equal(line.event, 'error');
      assert.equal(line.name, 'MalformedMessageError');
      assert.equal(line.exchange, broker.binding.exchange);
      assert.match(String(line.routingKey), /^primary\.task-a\./);
      assert.match(String(line.queue), /^queue\/bot\//);
      assert.match(String(line.message), /^malformed message on /);
      assert.ok(!unheard[0]!.includes('S3cr') && !unheard[0]!.includes('Xq9'));

      const heard: Error[] = [];
      client.on('error', (error) => heard.push(error));
      const quiet = await stderrDuring(async () => {
        broker.publish(Buffer.from('not json either'));
        await eventually(() => heard.length === 1, 'the error event', 10_000);
      });
      assert.deepEqual(quiet, []);
    } finally {
      subscription.unsubscribe();
      await client.close();
      await broker.close();
    }
  });

  test('a configured logger hears every event: connected, consuming, errors, disconnections and reconnections, without the password', async () => {
    const broker = await memoryBroker();
    const { logger, entries } = recordingLogger();
    const connectionName = `logger-test-${randomBytes(4).toString('hex')}`;
    const client = new PulseClient({ url: broker.url.replace('memory://', 'memory://bot:S3cr%23etXq9@'), namespace: 'bot', logger, connectionName, reconnect: { initialDelayMs: 5 } });
    client.on('error', () => undefined);
    const subscription = client.listen(broker.binding).subscribe();
    try {
      await eventually(() => entries.some((e) => e.fields.event === 'consuming'), 'consuming', 10_000);
      broker.publish(Buffer.from('not json'));
      await eventually(() => entries.some((e) => e.fields.event === 'error'), 'the error entry', 10_000);
      getMemoryBroker(broker.url).simulateConnectionLoss({ connectionName });
      await eventually(() => entries.some((e) => e.fields.event === 'consuming' && e.fields.resumed === true), 'resumed consuming', 10_000);
      const summary = entries.map((e) => `${e.level} ${String(e.fields.event)}`);
      for (const expected of ['info connected', 'debug consuming', 'warn error', 'warn disconnected', 'info consuming']) {
        assert.ok(summary.includes(expected), `${expected} in ${summary.join(', ')}`);
      }
      const connected = entries.find((e) => e.fields.event === 'connected')!;
      assert.equal(connected.fields.url, `${broker.url.replace('memory://', 'memory://bot:***@')}?heartbeat=20`);
      assert.equal(connected.fields.connectionName, connectionName);
      const text = JSON.stringify(entries);
      assert.ok(!text.includes('S3cr') && !text.includes('Xq9'), text);
    } finally {
      subscription.unsubscribe();
      await client.close();
      await broker.close();
    }
  });

  test('giving up is logged as an error with its reason; a logger that throws does not break the client', async () => {
    const { logger, entries } = recordingLogger();
    const client = new PulseClient({ url: 'amqp://guest:guest@127.0.0.1:1', logger, reconnect: { maxAttempts: 2, initialDelayMs: 1 } });
    const failure = await new Promise<Error>((resolve) => client.listen(privateQueueEvents().taskCompleted()).subscribe({ error: resolve }));
    await client.close();
    assert.match(failure.message, /after 2 attempts/);
    assert.deepEqual(
      entries.map((e) => [e.level, e.fields.event]),
      [
        ['warn', 'reconnecting'],
        ['error', 'connection-failed'],
      ],
    );
    assert.equal(entries[1]!.fields.reason, 'attempts-exhausted');

    const broken: PulseLogger = { debug: () => undefined, info: () => undefined, warn: () => { throw new Error('logger down'); }, error: () => { throw new Error('logger down'); } };
    const fallback = await stderrDuring(async () => {
      const other = new PulseClient({ url: 'amqp://guest:guest@127.0.0.1:1', logger: broken, reconnect: { maxAttempts: 2, initialDelayMs: 1 } });
      const error = await new Promise<Error>((resolve) => other.listen(privateQueueEvents().taskCompleted()).subscribe({ error: resolve }));
      assert.match(error.message, /after 2 attempts/);
      await other.close();
    });
    assert.ok(fallback.length >= 1 && fallback.every((line) => (JSON.parse(line) as { event: string }).event === 'logger-error'), fallback.join(''));
  });

  test('a logger without the four methods is refused when the client is made', () => {
    assert.throws(() => new PulseClient({ url: 'memory://', logger: { info: () => undefined } as unknown as PulseLogger }), /^PulseConfigError: logger\.debug: must be a function/);
  });
});
