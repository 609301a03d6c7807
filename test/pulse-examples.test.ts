/**
 * The listening examples (quoted in docs/listening.md) run as a user would
 * run them: separate processes configured by PULSE_* (the real broker) and
 * TASKCLUSTER_* variables (the Hawk-verifying stand-in deployment), bound to
 * the real Taskcluster exchange names. Those names, and the bot's queue name,
 * are fixed, so everything happens in a virtual host of this run's own.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Queue, QueueEvents, slugid, type QueueTypes } from '../src/index.js';
import { startExample } from './support/example-process.js';
import { REPO } from './support/project-references.js';
import { eventually, privateVhost, TestPublisher } from './support/rabbit.js';
import { publishCompleted, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';
import { deployment, fakeQueue } from './support/rest-deployment.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

const queueEvents = new QueueEvents();
let publisher: TestPublisher;
let vhost: Awaited<ReturnType<typeof privateVhost>>;
const running: ChildProcess[] = [];

/** An example in its own process (see `startExample`). */
function start(example: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  return startExample(running, example, env, ...args);
}

before(async () => {
  vhost = await privateVhost('pulse-examples');
  publisher = await TestPublisher.open(vhost.url);
  // The real exchange names, declared as a Taskcluster deployment does.
  for (const binding of [queueEvents.taskCompleted(), queueEvents.taskFailed(), queueEvents.taskException()]) {
    await publisher.exchange(binding.exchange);
  }
});

after(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await publisher?.disconnect();
  await vhost?.remove();
});

describe('listening examples', () => {
  const server = useHawkServer(deployment(fakeQueue()));

  test('listen-task-completed.ts prints the completion of one task, then exits', async () => {
    const taskId = slugid();
    const example = start('listen-task-completed.ts', { PULSE_URL: vhost.url }, taskId);
    await eventually(async () => (await vhost.consumers()) === 1, 'the example consuming', 20_000);
    await publishCompleted(publisher, queueEvents.taskCompleted(), taskId);
    assert.equal(await example.exited, 0, example.stderr.join('\n'));
    assert.deepEqual(example.stdout, [`${taskId} run 0: completed on w1`]);
  });

  test('listen-task-group.ts tells three exchanges apart in one stream', async () => {
    const group = slugid();
    const [done, broken, stuck] = [slugid(), slugid(), slugid()];
    const example = start('listen-task-group.ts', { PULSE_URL: vhost.url }, group, '3');
    const inGroup = (taskId: string) => ({ ...taskFields(taskId), taskGroupId: group });
    const body = (taskId: string, reasonResolved: string) => {
      const base = taskCompletedBody(taskId);
      return { ...base, status: { ...base.status, taskGroupId: group, runs: [{ runId: 0, state: 'exception', reasonResolved }] } };
    };
    // Bound to all three exchanges once its consumer shows up.
    await eventually(async () => (await vhost.consumers()) === 1, 'the example consuming', 20_000);
    const completed = queueEvents.taskCompleted();
    await publisher.publish(completed.exchange, routingKeyFor(completed, inGroup(done)), body(done, 'completed'), { cc: ['route.index.project.x'] });
    const failed = queueEvents.taskFailed();
    await publisher.publish(failed.exchange, routingKeyFor(failed, inGroup(broken)), body(broken, 'failed'));
    const exception = queueEvents.taskException();
    await publisher.publish(exception.exchange, routingKeyFor(exception, inGroup(stuck)), body(stuck, 'deadline-exceeded'));
    const exitCode = await example.exited;
    assert.equal(exitCode, 0, example.stderr.join('\n'));
    assert.deepEqual(example.stdout, [`${done} completed, routes: index.project.x`, `${broken} failed on w1`, `${stuck} exception: deadline-exceeded`]);
  });

  test('bot-task-completed.ts fetches each completed task through the REST client, and stops cleanly on SIGTERM', async () => {
    const rootUrl = server.current.rootUrl;
    const tasks = [slugid(), slugid()];
    const admin = new Queue({ rootUrl, credentials: ISSUER });
    for (const [i, taskId] of tasks.entries()) {
      const metadata = { name: `build ${i}`, description: 'd', owner: 'o@example.com', source: 'https://example.com' };
      const task: QueueTypes.CreateTaskRequest = { created: 'now', deadline: 'later', metadata, payload: {} };
      await admin.createTask(taskId, task);
    }
    server.reset();
    const bot = start('bot-task-completed.ts', {
      PULSE_URL: vhost.url,
      TASKCLUSTER_ROOT_URL: rootUrl,
      TASKCLUSTER_CLIENT_ID: ISSUER.clientId,
      TASKCLUSTER_ACCESS_TOKEN: ISSUER.accessToken,
      TASKCLUSTER_PROXY_URL: '',
    });
    await eventually(() => bot.stderr.some((l) => l.includes('consuming on queue/guest/task-completed-bot')), 'the bot consuming', 20_000);
    for (const taskId of tasks) await publishCompleted(publisher, queueEvents.taskCompleted(), taskId);
    await eventually(() => bot.stdout.length === tasks.length, 'both tasks reported', 20_000);
    assert.deepEqual([...bot.stdout].sort(), tasks.map((taskId, i) => `completed: ${taskId} "build ${i}" (run 0)`).sort());
    // Each fetch was a Hawk-signed GET of the task, verified by the stand-in.
    const gets = server.current.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    assert.deepEqual(gets.sort(), tasks.map((t) => `/api/queue/v1/task/${t}`).sort());
    assert.equal(server.current.refusals.length, 0);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0, bot.stderr.join('\n'));
  });
});

describe('docs/listening.md code', () => {
  const doc = readFileSync(join(REPO, 'docs/listening.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n(\/\/ ((?:examples|test)\/[\w./-]+\.ts)\n)?([\s\S]*?)```/g)];

  test('has code blocks', () => assert.ok(blocks.length >= 4, `${blocks.length} blocks`));

  for (const [index, block] of blocks.entries()) {
    const [, header, file, body] = block;
    test(`block ${index + 1} (${file ?? 'no source'}) is an excerpt of a tested file`, () => {
      assert.ok(header && file, `block ${index + 1} must start with "// examples/<name>.ts" (or a test file)`);
      assert.ok(readFileSync(join(REPO, file), 'utf8').includes(body!.trimEnd()), `block ${index + 1} differs from ${file}`);
    });
  }
});
