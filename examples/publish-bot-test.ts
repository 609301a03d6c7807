// An integration test for a bot: publish what Taskcluster would, then check what the bot did.
// Run: node --import tsx --test examples/publish-bot-test.ts
//   on the embedded broker (default), or PULSE_URL=amqp://guest:guest@localhost:5672 for the docker-compose RabbitMQ.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { filter, firstValueFrom, share } from 'rxjs';
import { PulseClient, QueueEvents, slugid, type QueueTypes } from 'taskcluster-pulse';
import { PulsePublisher } from 'taskcluster-pulse/testing';

// The bot under test (in your project, import it): remembers failed tasks that asked to be notified.
function notifierBot(pulse: PulseClient, notified: Set<string>) {
  return pulse.consume(new QueueEvents().taskFailed(), async (message) => {
    if (message.routes.some((route) => route.startsWith('notify.'))) notified.add(message.payload.status.taskId);
  });
}

const url = process.env.PULSE_URL || 'memory://bot-test';
const pulse = new PulseClient({ url });
const publisher = new PulsePublisher({ url });
const notified = new Set<string>();
let outcomes: ReturnType<typeof notifierBot>;

before(async () => {
  // A fresh broker has no Taskcluster exchanges yet: declare them, as a deployment would have.
  await publisher.declareExchanges(QueueEvents, ['taskFailed']);
  const consuming = new Promise((resolve) => pulse.once('consuming', resolve));
  outcomes = notifierBot(pulse, notified).pipe(share());
  outcomes.subscribe();
  // The bot's queue is bound now: nothing published from here on is missed.
  await consuming;
});

after(async () => {
  await publisher.close();
  await pulse.close();
});

/** Publishes a task-failed message and resolves once the bot has handled it. */
async function failTask(routes: string[]): Promise<string> {
  const taskId = slugid();
  const handled = firstValueFrom(outcomes.pipe(filter((o) => o.status === 'handled' && o.message.payload.status.taskId === taskId)));
  await publisher.publish(QueueEvents, 'taskFailed', { fields: runFields(taskId), payload: failedMessage(taskId), routes });
  await handled;
  return taskId;
}

test('a failed task with a notify route is recorded', async () => {
  const taskId = await failTask(['notify.email.dev@example.com.on-failed']);
  assert.ok(notified.has(taskId));
});

test('a failed task without one is not', async () => {
  const taskId = await failTask(['index.proj-x.latest']);
  assert.ok(!notified.has(taskId));
});

function runFields(taskId: string) {
  return { taskId, runId: 0, workerGroup: 'us-east-1', workerId: 'i-0123', provisionerId: 'proj-x', workerType: 'linux', schedulerId: 'tc-ui', taskGroupId: taskId };
}

function failedMessage(taskId: string): QueueTypes.TaskFailedMessage {
  const time = new Date().toISOString();
  return {
    version: 1,
    status: {
      taskId,
      provisionerId: 'proj-x',
      workerType: 'linux',
      taskQueueId: 'proj-x/linux',
      schedulerId: 'tc-ui',
      projectId: 'proj-x',
      taskGroupId: taskId,
      deadline: time,
      expires: time,
      retriesLeft: 0,
      state: 'failed',
      runs: [{ runId: 0, state: 'failed', reasonCreated: 'scheduled', reasonResolved: 'failed', scheduled: time, started: time, resolved: time, workerGroup: 'us-east-1', workerId: 'i-0123', takenUntil: time }],
    },
    runId: 0,
    workerGroup: 'us-east-1',
    workerId: 'i-0123',
  };
}
