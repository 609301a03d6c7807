// A long-running bot: for every completed task, fetch its definition and report it.
// Pulse: PULSE_URL, or PULSE_USERNAME / PULSE_PASSWORD / PULSE_HOSTNAME (/ PULSE_VHOST).
// Taskcluster: TASKCLUSTER_ROOT_URL (+ TASKCLUSTER_CLIENT_ID / TASKCLUSTER_ACCESS_TOKEN).
import { PulseClient, Queue, QueueEvents, fromEnv } from 'taskcluster-pulse';

const pulse = PulseClient.fromEnv();
const queue = new Queue(fromEnv());
const queueEvents = new QueueEvents();

pulse.on('error', (error) => console.error(`[pulse] ${error.name}: ${error.message}`));
pulse.on('disconnected', ({ error }) => console.error(`[pulse] disconnected: ${error?.message ?? 'closed'}`));
pulse.on('consuming', ({ queue: name, resumed }) => console.error(`[pulse] ${resumed ? 'resumed' : 'consuming'} on ${name}`));

const outcomes = pulse.consume(
  queueEvents.taskCompleted(),
  async (message) => {
    const task = await queue.task(message.payload.status.taskId);
    console.log(`completed: ${message.payload.status.taskId} "${task.metadata.name}" (run ${message.payload.runId})`);
  },
  {
    // Durable: messages published while the bot restarts wait for it; every replica shares this queue.
    queueName: 'task-completed-bot',
    concurrency: 16,
    // Stay far below the Pulse guardian's limit; on overflow lose the oldest rather than push back on the queue service.
    maxLength: 5_000,
    overflow: 'drop-head',
    // After 5 failed deliveries, park the message in queue/<user>/task-completed-bot-dead for a human.
    maxDeliveries: 5,
    deadLetter: { exchange: 'task-completed-bot-dead', queue: 'task-completed-bot-dead' },
  },
);
outcomes.subscribe((outcome) => {
  if (outcome.status !== 'handled') console.error(`[bot] ${outcome.status} ${outcome.message.payload.status.taskId}: ${String(outcome.error)}`);
});

// The Pulse guardian deletes queues that grow too long: watch the depth.
setInterval(() => {
  pulse.queueStatus('task-completed-bot').then(
    ({ messageCount }) => messageCount > 1_000 && console.error(`[bot] falling behind: ${messageCount} messages queued`),
    () => undefined, // disconnected: the events above have said so
  );
}, 60_000).unref();

// Deploys stop the bot with SIGTERM: finish what is in hand, ack it, then exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void pulse.close().then(() => process.exit(0));
  });
}
