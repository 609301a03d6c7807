/**
 * `tc-pulse listen --record FILE` and `tc-pulse replay FILE` on the real
 * RabbitMQ, in a vhost of the suite's own: what one listener recorded, a replay
 * delivers to another exactly so; bad files and paths fail before connecting.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QueueEvents, slugid } from '../src/index.js';
import { PulsePublisher } from '../src/testing/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { NO_BROKER, startListener, tcPulse } from './support/cli.js';
import { privateVhost, type PrivateVhost } from './support/rabbit.js';

const directory = mkdtempSync(join(tmpdir(), 'cli-record-'));
after(() => rmSync(directory, { recursive: true, force: true }));

describe('tc-pulse listen --record and tc-pulse replay (real RabbitMQ)', () => {
  let vhost: PrivateVhost;
  let publisher: PulsePublisher;
  before(async () => {
    vhost = await privateVhost('cli-record');
    publisher = new PulsePublisher({ url: vhost.url });
    await publisher.declareExchanges(QueueEvents, ['taskCompleted']);
  });
  after(async () => {
    await publisher?.close();
    await vhost?.remove();
  });

  it('records what it receives, and a replay delivers the same messages to another listener', async (t) => {
    const recording = join(directory, 'completed.jsonl');
    const recorder = startListener(t, ['queue.taskCompleted', '--record', recording, '--count', '2', '--json'], { PULSE_URL: vhost.url });
    await recorder.ready;
    const taskIds = [slugid(), slugid()];
    for (const taskId of taskIds) {
      await publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId), routes: [`index.${taskId}`] });
    }
    const recorded = await recorder.exited;
    assert.equal(recorded.code, 0, recorded.stderr);
    const records = readFileSync(recording, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(records.map((r) => [r.exchange, r.routingKey.split('.')[1], r.cc, r.body.status.taskId, r.properties.contentType, r.properties.deliveryMode]), taskIds.map((taskId) => [
      'exchange/taskcluster-queue/v1/task-completed', taskId, [`route.index.${taskId}`], taskId, 'application/json', 2,
    ]));

    const replayed = startListener(t, ['queue.taskCompleted', '--count', '2', '--json'], { PULSE_URL: vhost.url });
    await replayed.ready;
    const replay = tcPulse(['replay', recording, '--fast'], { env: { PULSE_URL: vhost.url } });
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stderr, /published 2 of 2 messages/);
    assert.ok(!replay.stderr.includes('guest:guest'), 'the password is not shown');
    const { code, stdout } = await replayed.exited;
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split('\n').map((line) => JSON.parse(line)), recorded.stdout.trim().split('\n').map((line) => JSON.parse(line)));
  });
});

describe('tc-pulse replay and --record: bad input fails before connecting', () => {
  it('a bad line is named by line and field (the broker is never asked)', () => {
    const file = join(directory, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify({ time: '2025-01-01T00:00:00Z', exchange: 'exchange/x', routingKey: 'k', cc: [], properties: {}, body: 1 })}\n{"time":"2025-01-01T00:00:00Z","exchange":"","routingKey":"k","cc":[],"properties":{},"body":1}\n`);
    const result = tcPulse(['replay', file, '--pulse-url', NO_BROKER]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `tc-pulse replay: ${file} line 2: "exchange" must not be empty\n`);
  });

  it('options are checked', () => {
    assert.match(tcPulse(['replay']).stderr, /expected a recording file/);
    assert.match(tcPulse(['replay', 'a', 'b']).stderr, /unexpected argument "b"/);
    assert.match(tcPulse(['replay', 'a', '--speed', '0']).stderr, /--speed must be a positive number, got "0"/);
    assert.match(tcPulse(['replay', 'a', '--speed', '2', '--fast']).stderr, /--speed is for the recorded pace/);
    assert.equal(tcPulse(['replay', 'a', '--speed', '0']).code, 2);
  });

  it('listen --record to a path that cannot be written stops before listening', () => {
    const result = tcPulse(['listen', 'queue.taskCompleted', '--record', join(directory, 'missing', 'dir', 'file.jsonl'), '--pulse-url', NO_BROKER]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot write the recording to .*file\.jsonl: ENOENT/);
    assert.doesNotMatch(result.stderr, /connect/);
  });
});
