/**
 * `tc-pulse publish` through the built binary (npm test builds first), onto
 * the real RabbitMQ: received by `tc-pulse listen` and by raw amqplib; bad
 * input refused with exit code 2 before connecting.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqplib from 'amqplib';
import { slugid } from '../src/index.js';
import { FakeQueue, type ResolvedRunMessage } from '../src/testing/index.js';
import { CLI, NO_BROKER, tcPulse } from './support/cli.js';
import { REPO } from './support/project-references.js';
import { privateVhost, uniqueName, type PrivateVhost } from './support/rabbit.js';

const COMPLETED = 'exchange/taskcluster-queue/v1/task-completed';

/** A task-completed message as the queue would publish it, for a task of `provisionerId`. */
function completedRun(provisionerId: string, routes: string[] = []): ResolvedRunMessage<'completed'> {
  const queue = new FakeQueue();
  const taskId = slugid();
  queue.addTask(taskId, { taskQueueId: `${provisionerId}/linux`, routes });
  return queue.resolveTask(taskId, 'completed', { workerGroup: 'us-east-1', workerId: 'i-0123' });
}

/** `--taskId x --runId 0 ...` */
const fieldFlags = (fields: Readonly<Record<string, string | number>>) => Object.entries(fields).flatMap(([name, value]) => [`--${name}`, String(value)]);

describe('tc-pulse publish (real RabbitMQ)', () => {
  // The real exchange names: in a vhost of this suite's own, so nothing is left on the shared broker.
  let vhost: PrivateVhost;
  let connection: amqplib.ChannelModel | undefined;
  let channel: amqplib.Channel;
  before(async () => {
    vhost = await privateVhost('cli-publish');
    connection = await amqplib.connect(vhost.url);
    channel = await connection.createChannel();
    await channel.assertExchange(COMPLETED, 'topic', { durable: true });
  });
  after(async () => {
    await connection?.close();
    await vhost?.remove();
  });

  /** tc-pulse with PULSE_URL set to the suite's vhost. */
  const onBroker = (args: string[], options: { input?: string; cwd?: string } = {}) => tcPulse(args, { ...options, env: { PULSE_URL: vhost.url } });

  /** An exclusive queue bound to `exchange` with `pattern`; returns its name. */
  async function tap(exchange: string, pattern: string): Promise<string> {
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, pattern);
    return queue;
  }

  it('publishes what tc-pulse listen receives: routing key, fields, routes and payload', async (t) => {
    const provisionerId = uniqueName('cli-publish');
    const run = completedRun(provisionerId, ['index.proj-x.latest', 'notify.email.dev@example.com.on-failed']);
    const listener = spawn(process.execPath, [CLI, 'listen', 'queue.taskCompleted', '--provisionerId', provisionerId, '--count', '1'], {
      env: { PATH: process.env.PATH, PULSE_URL: vhost.url },
    });
    t.after(() => listener.kill('SIGKILL')); // if the test fails before it exits by itself
    let received = '';
    let stderr = '';
    listener.stdout.on('data', (chunk: Buffer) => (received += chunk));
    const exited = new Promise<number | null>((resolve) => listener.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tc-pulse listen did not start: ${stderr}`)), 20_000);
      listener.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        if (stderr.includes('listening on')) resolve(clearTimeout(timer));
      });
    });

    const routes = run.routes.flatMap((route) => ['--route', route]);
    const published = onBroker(['publish', 'queue.taskCompleted', '--payload', JSON.stringify(run.payload), ...fieldFlags(run.fields), ...routes]);
    assert.equal(published.code, 0, published.stderr);
    const { taskId, taskGroupId } = run.fields;
    const routingKey = `primary.${taskId}.0.us-east-1.i-0123.${provisionerId}.linux.-.${taskGroupId}._`;
    assert.deepEqual(JSON.parse(published.stdout), {
      exchange: COMPLETED,
      routingKey,
      cc: ['route.index.proj-x.latest', 'route.notify.email.dev@example.com.on-failed'],
    });

    assert.equal(await exited, 0, stderr);
    const message = JSON.parse(received.trim());
    assert.equal(message.exchange, COMPLETED);
    assert.equal(message.routingKey, routingKey);
    assert.deepEqual(message.routes, run.routes);
    assert.deepEqual(message.payload, run.payload);
    assert.equal(message.fields.reserved, '_');
  });

  it('sends it as Taskcluster does: persistent JSON with the CC header (raw amqplib)', async () => {
    const run = completedRun(uniqueName('cli-raw'), ['index.a']);
    const queue = await tap(COMPLETED, `primary.${run.fields.taskId}.#`);
    // The payload from standard input this time.
    const published = onBroker(['publish', 'queue.taskCompleted', '--payload', '-', ...fieldFlags(run.fields), '--route', 'index.a'], {
      input: JSON.stringify(run.payload),
    });
    assert.equal(published.code, 0, published.stderr);
    const message = await channel.get(queue, { noAck: true });
    assert.ok(message, 'the message arrived');
    assert.deepEqual(JSON.parse(message.content.toString('utf8')), run.payload);
    assert.equal(message.properties.deliveryMode, 2);
    assert.equal(message.properties.contentType, 'application/json');
    assert.equal(message.properties.contentEncoding, 'utf-8');
    assert.deepEqual(message.properties.headers?.CC, ['route.index.a']);
  });

  it('the command in docs/testing.md works as shown', () => {
    const doc = readFileSync(join(REPO, 'docs/testing.md'), 'utf8');
    const shown = /## Publishing from a terminal[\s\S]*?```sh\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(shown, 'docs/testing.md has the tc-pulse publish example');
    const [command, ...args] = shown.replace(/\\\n/g, ' ').trim().split(/\s+/);
    assert.deepEqual([command, args[0]], ['tc-pulse', 'publish']);
    // The completed.json it reads: a message for the task and run the flags name.
    const flag = (name: string) => args[args.indexOf(`--${name}`) + 1]!;
    const queue = new FakeQueue();
    queue.addTask(flag('taskId'), { taskGroupId: flag('taskGroupId'), taskQueueId: `${flag('provisionerId')}/${flag('workerType')}`, schedulerId: flag('schedulerId') });
    const { payload } = queue.resolveTask(flag('taskId'), 'completed', { workerGroup: flag('workerGroup'), workerId: flag('workerId') });
    const dir = mkdtempSync(join(tmpdir(), 'tc-pulse-publish-'));
    writeFileSync(join(dir, 'completed.json'), JSON.stringify(payload));
    const result = onBroker(args, { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      exchange: COMPLETED,
      routingKey: 'primary.fN1SbArXTPSVFNUvaOlinQ.0.us-east-1.i-0123.proj-x.linux.tc-ui.fN1SbArXTPSVFNUvaOlinQ._',
      cc: ['route.index.proj-x.latest'],
    });
  });

  it('what --template prints publishes as it is; --max-message-bytes lets a larger message through', async () => {
    const fields = completedRun(uniqueName('cli-template')).fields;
    const template = onBroker(['publish', 'queue.taskCompleted', '--template', ...fieldFlags(fields)]);
    assert.equal(template.code, 0, template.stderr);
    const queue = await tap(COMPLETED, `primary.${fields.taskId}.#`);
    const published = onBroker(['publish', 'queue.taskCompleted', '--payload', '-', ...fieldFlags(fields)], { input: template.stdout });
    assert.equal(published.code, 0, published.stderr);
    const message = await channel.get(queue, { noAck: true });
    assert.ok(message, 'the message arrived');
    assert.deepEqual(JSON.parse(message.content.toString('utf8')), JSON.parse(template.stdout));

    const big = { ...JSON.parse(template.stdout), task: { tags: { a: 'x'.repeat(3000), b: 'y'.repeat(3000), c: 'z'.repeat(3000) } } };
    const large = onBroker(['publish', 'queue.taskCompleted', '--payload', '-', '--max-message-bytes', '20000', ...fieldFlags(fields)], { input: JSON.stringify(big) });
    assert.equal(large.code, 0, large.stderr);
    const received = await channel.get(queue, { noAck: true });
    assert.ok(received && received.content.length > 9000, 'the large message arrived');
  });

  it('--exchange-prefix publishes under another prefix; --no-validate skips the schema check', async () => {
    const prefix = `exchange/guest/${uniqueName('cli-prefix')}/`;
    const exchange = `${prefix}task-completed`;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    try {
      const queue = await tap(exchange, '#');
      const fields = completedRun('p').fields;
      const result = onBroker(['publish', 'queue.taskCompleted', '--payload', '{"anything": true}', '--no-validate', '--exchange-prefix', prefix, ...fieldFlags(fields)]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).exchange, exchange);
      const message = await channel.get(queue, { noAck: true });
      assert.ok(message);
      assert.deepEqual(JSON.parse(message.content.toString('utf8')), { anything: true });
    } finally {
      await channel.deleteExchange(exchange);
    }
  });
});

describe('tc-pulse publish refuses bad input before connecting (exit code 2)', () => {
  // PULSE_URL points at no broker: reaching the network would be exit code 1.
  const refuse = (args: string[]) => tcPulse(['publish', ...args], { env: { PULSE_URL: NO_BROKER } });
  const run = completedRun('proj-x');

  it('a payload that does not match the schema names the path and the rule', () => {
    const payload = { ...run.payload, runId: -1, colour: 'red' };
    const result = refuse(['queue.taskCompleted', '--payload', JSON.stringify(payload), ...fieldFlags(run.fields)]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /payload does not match \/schemas\/queue\/v1\/task-completed-message\.json/);
    assert.match(result.stderr, /\/runId must be >= 0 \(minimum\)/);
    assert.match(result.stderr, /must not have property "colour" \(additionalProperties\)/);
    assert.equal(result.stdout, '');
  });

  it('missing required fields (all of them at once), an unknown field, no payload, bad JSON', () => {
    const { workerId: _, workerGroup: __, ...withoutWorker } = run.fields;
    const missing = refuse(['queue.taskCompleted', '--payload', JSON.stringify(run.payload), ...fieldFlags(withoutWorker)]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /queue\.taskCompleted needs every required routing-key field to publish; missing: --workerGroup --workerId\n/);
    const typo = refuse(['queue.taskCompleted', '--payload', '{}', '--taskid', 'x']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option --taskid \(did you mean --taskId\?\)/);
    const none = refuse(['queue.taskCompleted', ...fieldFlags(run.fields)]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--payload is required/);
    const json = refuse(['queue.taskCompleted', '--payload', '{oops', ...fieldFlags(run.fields)]);
    assert.equal(json.code, 2);
    assert.match(json.stderr, /--payload is not valid JSON/);
  });

  it('fields that disagree with the payload, each named (negative numbers included)', () => {
    const result = refuse(['queue.taskCompleted', '--payload', JSON.stringify(run.payload), ...fieldFlags({ ...run.fields, taskId: 'fN1SbArXTPSVFNUvaOlinQ', runId: 1 })]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`--taskId is "fN1SbArXTPSVFNUvaOlinQ" but the payload's status\\.taskId is "${run.fields.taskId}"; --runId is "1" but the payload's runId is 0`));
    const { runId: _, ...withoutRunId } = run.fields;
    for (const runId of [['--runId', '-1'], ['--runId=-1']]) {
      const negative = refuse(['queue.taskCompleted', '--payload', JSON.stringify(run.payload), ...fieldFlags(withoutRunId), ...runId]);
      assert.equal(negative.code, 2, negative.stderr);
      assert.match(negative.stderr, /--runId is "-1" but the payload's runId is 0/);
    }
    // Agreeing with a payload that breaks the schema: the schema names the rule.
    const both = refuse(['queue.taskCompleted', '--payload', JSON.stringify({ ...run.payload, runId: -1 }), ...fieldFlags({ ...run.fields, runId: -1 })]);
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /\/runId must be >= 0 \(minimum\)/);
  });

  it('--exchange-prefix must end with "/"', () => {
    const result = refuse(['queue.taskCompleted', '--payload', JSON.stringify(run.payload), ...fieldFlags(run.fields), '--exchange-prefix', 'foo']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--exchange-prefix must end with "\/" \(the exchange's name is appended to it\), e\.g\. exchange\/<user>\/test\/; got "foo"/);
  });

  it('a message over the size limit names --max-message-bytes; with it, the message passes every check', () => {
    const big = ['queue.taskCompleted', '--no-validate', '--payload', JSON.stringify({ blob: 'x'.repeat(9000) }), ...fieldFlags(run.fields)];
    const refused = refuse(big);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /message is 9011 bytes; Pulse messages should stay under 8192 bytes \(raise it with --max-message-bytes to allow it\)/);
    // Past the checks it tries the (absent) broker: exit code 1.
    const allowed = refuse([...big, '--max-message-bytes', '10000']);
    assert.equal(allowed.code, 1, allowed.stderr);
    assert.match(allowed.stderr, /cannot connect/);
    const bad = refuse([...big, '--max-message-bytes', '8k']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-message-bytes must be a positive whole number of bytes, got "8k"/);
  });

  it('--template prints a payload the schema accepts, with the given fields filled in', () => {
    const result = refuse(['queue.taskCompleted', '--template', '--taskId', run.fields.taskId, '--runId', '3', '--workerGroup', 'us-east-1']);
    assert.equal(result.code, 0, result.stderr);
    const template = JSON.parse(result.stdout);
    assert.equal(template.status.taskId, run.fields.taskId);
    assert.equal(template.runId, 3);
    assert.equal(template.workerGroup, 'us-east-1');
    assert.equal(template.status.state, 'completed');
    const invalid = refuse(['queue.taskCompleted', '--template', '--workerGroup', 'has space']);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /the fields given make the template invalid: .*\/workerGroup must match pattern/);
  });

  it('a valid message to a broker that is not there is exit code 1, password not shown', () => {
    const result = tcPulse(['publish', 'queue.taskCompleted', '--payload', JSON.stringify(run.payload), ...fieldFlags(run.fields)], {
      env: { PULSE_URL: 'amqp://guest:s3cret-pw@127.0.0.1:1' },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
    assert.doesNotMatch(result.stderr, /s3cret-pw/);
  });

  it('--help', () => {
    const result = tcPulse(['publish', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: tc-pulse publish <service>\.<exchange> --payload <json\|@file\|->/);
    assert.match(result.stdout, /--route <route>/);
    assert.match(result.stdout, /--pulse-url <url>/);
  });
});
