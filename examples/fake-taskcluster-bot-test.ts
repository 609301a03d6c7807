// An integration test for the bot in completed-task-reporter.ts, with stand-ins for Pulse and for Taskcluster.
// Run: node --import tsx --test examples/fake-taskcluster-bot-test.ts
//   on the embedded broker (default), or PULSE_URL=amqp://guest:guest@localhost:5672 for the docker-compose RabbitMQ.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { filter, firstValueFrom, share } from 'rxjs';
import { closeConnections, PulseClient, Queue, QueueEvents, slugid } from 'taskcluster-pulse';
import { PulsePublisher, startFakeTaskcluster, type FakeTaskcluster } from 'taskcluster-pulse/testing';
import { reportCompletedTasks } from './completed-task-reporter.js';

const url = process.env.PULSE_URL || 'memory://reporter-test';
const pulse = new PulseClient({ url });
const publisher = new PulsePublisher({ url });
const taskGroupId = slugid();
const reports: string[] = [];
let taskcluster: FakeTaskcluster;
let outcomes: ReturnType<typeof reportCompletedTasks>;

before(async () => {
  // A local deployment: a Hawk-verifying HTTP server with a fake queue, and credentials it accepts.
  taskcluster = await startFakeTaskcluster();
  const queue = new Queue({ rootUrl: taskcluster.rootUrl, credentials: taskcluster.credentials, delayFactor: 10 });
  await publisher.declareExchanges(QueueEvents, ['taskCompleted']);
  const consuming = new Promise((resolve) => pulse.once('consuming', resolve));
  outcomes = reportCompletedTasks(pulse, queue, taskGroupId, (line) => reports.push(line)).pipe(share());
  outcomes.subscribe();
  await consuming;
});

after(async () => {
  await Promise.all([pulse.close(), publisher.close()]);
  await closeConnections();
  await taskcluster.close();
});

/** The queue resolves the task and announces it, as Taskcluster would; resolves once the bot has handled it. */
async function completeTask(taskId: string): Promise<void> {
  const handled = firstValueFrom(outcomes.pipe(filter((o) => o.status === 'handled' && o.message.payload.status.taskId === taskId)));
  await publisher.publish(QueueEvents, 'taskCompleted', taskcluster.queue.resolveTask(taskId, 'completed'));
  await handled;
}

test('reports a completed task with the name and owner it reads from the queue', async () => {
  const taskId = slugid();
  const metadata = { name: 'build', owner: 'alice@example.com', description: 'a build', source: 'https://example.com/ci' };
  taskcluster.queue.addTask(taskId, { taskGroupId, taskQueueId: 'proj-x/linux', metadata });

  await completeTask(taskId);

  assert.equal(reports.at(-1), `task ${taskId} "build" completed on linux; owner alice@example.com`);
  // One call to queue.task, signed with credentials the fake verified.
  const calls = taskcluster.calls.filter((call) => call.params.taskId === taskId);
  assert.deepEqual(calls.map((call) => [call.api, call.status, call.auth.scheme]), [['queue.task', 200, 'hawk']]);
});

test('rides out a queue outage: 503s are retried until the queue answers', async () => {
  const taskId = slugid();
  taskcluster.queue.addTask(taskId, { taskGroupId });
  let outage = 2;
  const restore = taskcluster.override('queue.task', () =>
    outage-- > 0 ? { status: 503, body: { code: 'ServiceUnavailable', message: 'down for a moment' } } : undefined,
  );

  await completeTask(taskId);
  restore();

  const statuses = taskcluster.calls.filter((call) => call.params.taskId === taskId).map((call) => call.status);
  assert.deepEqual(statuses, [503, 503, 200]);
  assert.match(reports.at(-1)!, new RegExp(`^task ${taskId} "task ${taskId}" completed`));
});

test('at least once: when the handler fails, the message comes back and is handled then', async () => {
  const taskId = slugid();
  taskcluster.queue.addTask(taskId, { taskGroupId });
  // The queue does not know the task yet on the first call: 404, which the REST client does not retry.
  let unknown = 1;
  const restore = taskcluster.override('queue.task', (call) =>
    unknown-- > 0 ? { status: 404, body: { code: 'ResourceNotFound', message: `no task ${call.params.taskId} yet` } } : undefined,
  );
  const retried = firstValueFrom(outcomes.pipe(filter((o) => o.status === 'retrying' && o.message.payload.status.taskId === taskId)));

  await completeTask(taskId);
  restore();

  const failed = await retried;
  assert.ok(failed.status === 'retrying' && failed.deliveryCount === 1); // the first delivery failed and was requeued
  assert.match(reports.at(-1)!, new RegExp(`^task ${taskId} `));
});
