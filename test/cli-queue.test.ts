/**
 * `tc-pulse queue status|delete` on the real RabbitMQ, with a queue the test
 * creates (and removes, also when it fails).
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import amqplib from 'amqplib';
import { queueCommand } from '../src/cli/commands/queue.js';
import { tcPulse } from './support/cli.js';
import { deleteQueues, RABBIT_URL, uniqueName } from './support/rabbit.js';

describe('tc-pulse queue (real RabbitMQ)', () => {
  let connection: amqplib.ChannelModel | undefined;
  let channel: amqplib.ConfirmChannel;
  const created: string[] = [];
  before(async () => {
    connection = await amqplib.connect(RABBIT_URL);
    channel = await connection.createConfirmChannel();
  });
  after(async () => {
    await deleteQueues(...created);
    await connection?.close();
  });

  /** A durable queue/guest/<unique> holding `messages` messages; returns the part after queue/guest/. */
  async function queueWith(messages: number): Promise<string> {
    const name = uniqueName('cli-queue');
    created.push(`queue/guest/${name}`);
    await channel.assertQueue(`queue/guest/${name}`, { durable: true });
    for (let i = 0; i < messages; i++) channel.sendToQueue(`queue/guest/${name}`, Buffer.from('{}'), { persistent: true });
    await channel.waitForConfirms();
    return name;
  }

  /** Whether the queue still exists, asked on a channel of its own (a missing queue closes it). */
  async function exists(queue: string): Promise<boolean> {
    const side = await connection!.createChannel();
    side.on('error', () => undefined);
    try {
      await side.checkQueue(queue);
      await side.close();
      return true;
    } catch {
      return false;
    }
  }

  const onBroker = (args: string[]) => tcPulse(['queue', ...args], { env: { PULSE_URL: RABBIT_URL } });

  it('status shows depth and consumers, by full or short name', async () => {
    const name = await queueWith(3);
    for (const given of [name, `queue/guest/${name}`]) {
      const result = onBroker(['status', given]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { queue: `queue/guest/${name}`, messageCount: 3, consumerCount: 0 });
    }
  });

  it('delete refuses without --yes when it cannot ask (exit 2, queue kept); with --yes deletes and reports what was lost', async () => {
    const name = await queueWith(2);
    const refused = onBroker(['delete', name]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /deleting a queue loses its messages: give --yes to confirm/);
    assert.ok(await exists(`queue/guest/${name}`), 'the queue is still there');

    const deleted = onBroker(['delete', name, '--yes']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(JSON.parse(deleted.stdout), { queue: `queue/guest/${name}`, messageCount: 2 });
    assert.equal(await exists(`queue/guest/${name}`), false);
  });

  it('a queue that does not exist is exit code 1, named', () => {
    const name = uniqueName('cli-queue-missing');
    for (const action of [['status', name], ['delete', name, '--yes']]) {
      const result = onBroker(action);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`no queue "queue/guest/${name}" on the broker`));
    }
  });

  it('on a terminal, delete asks first: "n" keeps the queue, "y" deletes it', async () => {
    const name = await queueWith(1);
    const ask = async (answer: string) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let prompt = '';
      stderr.on('data', (chunk: Buffer) => {
        prompt += chunk;
        if (prompt.includes('[y/N]')) stdin.write(`${answer}\n`);
      });
      let printed = '';
      stdout.on('data', (chunk: Buffer) => (printed += chunk));
      const code = await queueCommand.run(['delete', name], { stdin, stdout, stderr, env: { PULSE_URL: RABBIT_URL }, signal: new AbortController().signal });
      return { code, prompt, printed };
    };
    const kept = await ask('n');
    assert.equal(kept.code, 1);
    assert.match(kept.prompt, new RegExp(`^Delete queue/guest/${name} and its 1 message\\? \\[y/N\\] not deleted: queue/guest/${name}\\n$`));
    assert.ok(await exists(`queue/guest/${name}`));
    const deleted = await ask('y');
    assert.equal(deleted.code, 0);
    assert.deepEqual(JSON.parse(deleted.printed), { queue: `queue/guest/${name}`, messageCount: 1 });
    assert.equal(await exists(`queue/guest/${name}`), false);
  });

  it('a broker it cannot reach is reported at once (exit 1), without the password', () => {
    const started = Date.now();
    const result = tcPulse(['queue', 'status', 'x'], { env: { PULSE_URL: 'amqp://guest:s3cret-pw@127.0.0.1:1' } });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
    assert.doesNotMatch(result.stderr, /s3cret-pw/);
    assert.ok(Date.now() - started < 10_000, 'no retrying forever');
  });
});
