// On the embedded broker a test can do what is hard on a real one: cut the connection, look inside the broker.
// Usage: tsx examples/publish-connection-loss.ts
import { filter, firstValueFrom, share } from 'rxjs';
import { PulseClient, QueueEvents, slugid, type QueueTypes } from 'taskcluster-pulse';
import { getMemoryBroker, PulsePublisher } from 'taskcluster-pulse/testing';

const url = 'memory://connection-loss';
const broker = getMemoryBroker(url);
const pulse = new PulseClient({ url, reconnect: { initialDelayMs: 10 } });
const publisher = new PulsePublisher({ url });
await publisher.declareExchanges(QueueEvents, ['taskCompleted']);

// A durable queue: messages published while the bot is disconnected wait for it.
const handled = pulse
  .consume(new QueueEvents().taskCompleted(), async (message) => message.payload.status.taskId, { queueName: 'completed-bot' })
  .pipe(share());
handled.subscribe();
await new Promise((resolve) => pulse.once('consuming', resolve));
console.log(broker.queueNames()); // [ 'queue/guest/completed-bot' ]

broker.simulateConnectionLoss({ connectionName: pulse.connectionName }); // the bot's socket dies: 'error', then 'close'
const taskId = slugid();
const done = firstValueFrom(handled.pipe(filter((outcome) => outcome.status === 'handled' && outcome.result === taskId)));
await publisher.publish(QueueEvents, 'taskCompleted', { fields: runFields(taskId), payload: completedMessage(taskId) });
console.log(broker.queueInfo('queue/guest/completed-bot')?.messageCount); // 1: waiting for the bot to come back
await done; // the client reconnected, resumed its consumer and handled the message
console.log(`handled ${taskId === (await done).message.payload.status.taskId}`);

await publisher.close();
await pulse.deleteQueue('completed-bot');
await pulse.close();

function runFields(taskId: string) {
  return { taskId, runId: 0, workerGroup: 'us-east-1', workerId: 'i-0123', provisionerId: 'proj-x', workerType: 'linux', schedulerId: 'tc-ui', taskGroupId: taskId };
}

function completedMessage(taskId: string): QueueTypes.TaskCompletedMessage {
  const time = new Date().toISOString();
  const run = { runId: 0, state: 'completed', reasonCreated: 'scheduled', reasonResolved: 'completed', scheduled: time, started: time, resolved: time } as const;
  return {
    version: 1,
    status: {
      taskId, provisionerId: 'proj-x', workerType: 'linux', taskQueueId: 'proj-x/linux', schedulerId: 'tc-ui', projectId: 'proj-x',
      taskGroupId: taskId, deadline: time, expires: time, retriesLeft: 5, state: 'completed', runs: [run],
    },
    runId: 0,
    workerGroup: 'us-east-1',
    workerId: 'i-0123',
  };
}
