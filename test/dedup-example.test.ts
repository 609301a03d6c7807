/**
 * examples/exactly-once-bot.ts (quoted in docs/workflows.md) run as a user
 * would: two replicas in their own processes on one queue and the real Redis,
 * bound to the real task-completed exchange in a virtual host of this run's
 * own. Each event is published twice, as Taskcluster may: announced once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { QueueEvents, slugid } from '../src/index.js';
import { describeDocExcerpts } from './support/doc-excerpts.js';
import { startExample } from './support/example-process.js';
import { eventually, privateVhost, TestPublisher } from './support/rabbit.js';
import { publishCompleted } from './support/rabbit-fixtures.js';
import { REDIS_URL } from './support/redis.js';

const completed = new QueueEvents().taskCompleted();
const running: ChildProcess[] = [];
let publisher: TestPublisher;
let vhost: Awaited<ReturnType<typeof privateVhost>>;
const redis = new Redis(REDIS_URL);
const tasks = [slugid(), slugid(), slugid()];

before(async () => {
  vhost = await privateVhost('dedup-example');
  publisher = await TestPublisher.open(vhost.url);
  await publisher.exchange(completed.exchange);
});

after(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await publisher?.disconnect();
  await vhost?.remove();
  await redis.del(...tasks.map((taskId) => `exactly-once-bot:${completed.exchange}|${taskId}|0`));
  redis.disconnect();
});


describe('examples/exactly-once-bot.ts', () => {
  test('two replicas announce each completed task once, though each message came twice', async () => {
    const env = { PULSE_URL: vhost.url, REDIS_URL };
    const replicas = [startExample(running, 'exactly-once-bot.ts', env), startExample(running, 'exactly-once-bot.ts', env)];
    await eventually(async () => (await vhost.consumers()) === 2, 'both replicas consuming', 30_000);
    for (const taskId of tasks) {
      await publishCompleted(publisher, completed, taskId);
      await publishCompleted(publisher, completed, taskId);
    }
    const skipped = () => replicas.flatMap((r) => r.stderr).filter((line) => line.startsWith('[bot] skipped a copy of'));
    await eventually(() => skipped().length === tasks.length, 'the copies skipped', 30_000);
    const announced = replicas.flatMap((r) => r.stdout);
    assert.deepEqual(announced.sort(), tasks.map((taskId) => `announce: ${taskId} run 0`).sort());
    assert.deepEqual(skipped().sort(), tasks.map((taskId) => `[bot] skipped a copy of ${completed.exchange}|${taskId}|0`).sort());
    for (const replica of replicas) replica.child.kill('SIGTERM');
    for (const replica of replicas) assert.equal(await replica.exited, 0, replica.stderr.join('\n'));
  });
});

describeDocExcerpts('docs/workflows.md', 1);
