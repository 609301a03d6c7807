// Exactly-once effects: replicas of this bot share one queue and one Redis, and each completed task is announced once,
// however often Pulse delivers its message. Pulse: PULSE_URL (or PULSE_USERNAME / PULSE_PASSWORD / PULSE_HOSTNAME).
// Redis: REDIS_URL (default redis://127.0.0.1:6379). ioredis is your dependency, not the library's.
import { Redis } from 'ioredis';
import { deduplicate, PulseClient, QueueEvents, RedisDedupStore } from 'taskcluster-pulse';

const pulse = PulseClient.fromEnv();
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
redis.on('error', (error: Error) => console.error(`[redis] ${error.message}`));
const store = new RedisDedupStore(redis, { prefix: 'exactly-once-bot:' });

const outcomes = pulse.consume(
  new QueueEvents().taskCompleted(),
  deduplicate(
    async (message) => {
      // The effect: make it idempotent too where you can (a crash right after it runs it again).
      console.log(`announce: ${message.payload.status.taskId} run ${message.payload.runId}`);
    },
    // Done keys are kept a week: longer than a message can wait in the queue.
    { store, ttlMs: 7 * 24 * 3600 * 1000 },
  ),
  { queueName: 'exactly-once-bot', maxDeliveries: 10 },
);
outcomes.subscribe((outcome) => {
  if (outcome.status === 'handled' && outcome.result?.status === 'duplicate') console.error(`[bot] skipped a copy of ${outcome.result.key}`);
  else if (outcome.status !== 'handled') console.error(`[bot] ${outcome.status}: ${String(outcome.error)}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void pulse
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0));
  });
}
