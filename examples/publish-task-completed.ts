// Publishes a task-completed message exactly as the Taskcluster queue would, and prints what went on the wire.
// Usage: tsx examples/publish-task-completed.ts
//   on the embedded broker (default), or PULSE_URL=amqp://guest:guest@localhost:5672 for the docker-compose RabbitMQ.
import { QueueEvents, slugid, type QueueTypes } from 'taskcluster-pulse';
import { PulsePublisher } from 'taskcluster-pulse/testing';

const publisher = new PulsePublisher({ url: process.env.PULSE_URL || 'memory://' });
const taskId = slugid();

const published = await publisher.publish(QueueEvents, 'taskCompleted', {
  fields: { taskId, runId: 0, workerGroup: 'us-east-1', workerId: 'i-0123', provisionerId: 'proj-x', workerType: 'linux', schedulerId: 'tc-ui', taskGroupId: taskId },
  payload: completedMessage(taskId),
  routes: ['index.proj-x.latest', 'notify.email.dev@example.com.on-failed'],
});
console.log(published.exchange); // exchange/taskcluster-queue/v1/task-completed
console.log(published.routingKey); // primary.<taskId>.0.us-east-1.i-0123.proj-x.linux.tc-ui.<taskId>._
console.log(published.cc.join(' ')); // route.index.proj-x.latest route.notify.email.dev@example.com.on-failed
await publisher.close();

/** A task-completed payload; the publisher checks it against the exchange's schema. */
function completedMessage(taskId: string): QueueTypes.TaskCompletedMessage {
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
      retriesLeft: 5,
      state: 'completed',
      runs: [{ runId: 0, state: 'completed', reasonCreated: 'scheduled', reasonResolved: 'completed', scheduled: time, started: time, resolved: time, workerGroup: 'us-east-1', workerId: 'i-0123', takenUntil: time }],
    },
    runId: 0,
    workerGroup: 'us-east-1',
    workerId: 'i-0123',
  };
}
