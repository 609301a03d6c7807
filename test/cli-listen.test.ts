/**
 * `tc-pulse listen` on several exchanges at once, by `<service>.<exchange>`
 * (under --exchange-prefix) and by full exchange name, on the real RabbitMQ in
 * a vhost of the suite's own; its compact and JSON views.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqplib from 'amqplib';
import { NO_BROKER, startListener, tcPulse } from './support/cli.js';
import { privateVhost, uniqueName, type PrivateVhost } from './support/rabbit.js';

const EXCEPTION = 'exchange/taskcluster-queue/v1/task-exception';

describe('tc-pulse listen (real RabbitMQ)', () => {
  let vhost: PrivateVhost;
  let connection: amqplib.ChannelModel | undefined;
  let channel: amqplib.ConfirmChannel;
  before(async () => {
    vhost = await privateVhost('cli-listen');
    connection = await amqplib.connect(vhost.url);
    channel = await connection.createConfirmChannel();
  });
  after(async () => {
    await connection?.close();
    await vhost?.remove();
  });

  const options = { persistent: true, contentType: 'application/json', headers: { CC: ['route.index.a', 'route.index.b'] } };
  async function publish(exchange: string, routingKey: string, payload: unknown): Promise<void> {
    channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(payload)), options);
    await channel.waitForConfirms();
  }
  const queueKey = (taskId: string, provisionerId: string) => `primary.${taskId}.0.wg.wi.${provisionerId}.linux.sched.grp._`;

  it('several exchanges: <service>.<exchange> under --exchange-prefix with shared field flags, and full exchange names', async (t) => {
    const prefix = `exchange/guest/${uniqueName('prefix')}/`;
    const custom = `exchange/guest/${uniqueName('custom')}`;
    for (const exchange of [`${prefix}task-completed`, `${prefix}task-failed`, EXCEPTION, custom]) await channel.assertExchange(exchange, 'topic', { durable: true });
    const provisionerId = uniqueName('prov');
    const args = ['queue.taskCompleted', 'queue.taskFailed', '--provisionerId', provisionerId, '--exchange-prefix', prefix, EXCEPTION, custom, 'build.#', '--count', '4'];
    const listener = startListener(t, args, { PULSE_URL: vhost.url }, 4);
    const stderr = await listener.ready;
    assert.match(stderr, new RegExp(`listening on ${prefix}task-completed primary\\.\\*\\.\\*\\.\\*\\.\\*\\.${provisionerId}\\.`));
    assert.match(stderr, new RegExp(`listening on ${prefix}task-failed primary\\.\\*\\.\\*\\.\\*\\.\\*\\.${provisionerId}\\.`));
    assert.match(stderr, new RegExp(`listening on ${EXCEPTION} # `));
    assert.match(stderr, new RegExp(`listening on ${custom} build\\.# `));

    await publish(`${prefix}task-completed`, queueKey('OTHER', 'someone-else'), {}); // not bound
    await publish(`${prefix}task-completed`, queueKey('C1', provisionerId), { status: { state: 'completed' } });
    await publish(`${prefix}task-failed`, queueKey('F1', provisionerId), { status: { state: 'failed' } });
    await publish(custom, 'test.x', {}); // not bound
    await publish(EXCEPTION, queueKey('E1', 'anyone'), { status: { state: 'exception' } });
    await publish(custom, 'build.linux.opt', { anything: true });

    const { code, stdout } = await listener.exited;
    assert.equal(code, 0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((l) => [l.exchange, l.fields.taskId ?? l.fields.routingKey]), [
      [`${prefix}task-completed`, 'C1'],
      [`${prefix}task-failed`, 'F1'],
      [EXCEPTION, 'E1'],
      [custom, 'build.linux.opt'],
    ]);
    // A Taskcluster exchange given by its full name decodes as usual; another one as one field.
    assert.equal(lines[2].fields.provisionerId, 'anyone');
    assert.deepEqual(lines[3].fields, { routingKey: 'build.linux.opt' });
    assert.deepEqual(lines[3].routes, ['index.a', 'index.b']);
  });

  it('--format compact: one line per message with time, exchange, fields and the task state', async (t) => {
    await channel.assertExchange(EXCEPTION, 'topic', { durable: true });
    const provisionerId = uniqueName('prov');
    const listener = startListener(t, ['queue.taskException', '--provisionerId', provisionerId, '--format', 'compact', '--count', '1'], { PULSE_URL: vhost.url });
    await listener.ready;
    await publish(EXCEPTION, queueKey('X1', provisionerId), { status: { taskId: 'X1', state: 'exception' }, runId: 0 });
    const { code, stdout } = await listener.exited;
    assert.equal(code, 0);
    assert.match(
      stdout,
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} queue\\.taskException taskId=X1 runId=0 workerGroup=wg workerId=wi provisionerId=${provisionerId} workerType=linux schedulerId=sched taskGroupId=grp state=exception routes=2\\n$`),
    );
  });
});

describe('tc-pulse listen refuses bad arguments before connecting (exit code 2)', () => {
  const refuse = (args: string[], message: RegExp) => {
    const result = tcPulse(['listen', ...args], { env: { PULSE_URL: NO_BROKER } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
  };

  it('--exchange-prefix without a trailing "/"', () => {
    refuse(['queue.taskCompleted', '--exchange-prefix', 'exchange/guest/test'], /--exchange-prefix must end with "\/" .*; got "exchange\/guest\/test"/);
  });

  it('a field flag that one of the exchanges does not have', () => {
    refuse(['queue.taskCompleted', 'queue.taskGroupResolved', '--taskId', 'abc'], /--taskId is not a routing-key field of queue\.taskGroupResolved; its fields: taskGroupId, schedulerId, reserved/);
  });

  it('field flags or --exchange-prefix with full exchange names only', () => {
    refuse([EXCEPTION, '--taskId', 'abc'], /unknown option --taskId; routing-key field flags are for <service>\.<exchange> arguments/);
    refuse([EXCEPTION, '--exchange-prefix', 'exchange/x/'], /--exchange-prefix applies to <service>\.<exchange> arguments/);
  });

  it('an unknown --format, and a misspelt exchange among several', () => {
    refuse(['queue.taskCompleted', '--format', 'yaml'], /--format must be "compact" or "json", got "yaml"/);
    refuse(['queue.taskCompleted', 'queue.taskFaild'], /queue has no exchange "taskFaild"/);
  });
});
