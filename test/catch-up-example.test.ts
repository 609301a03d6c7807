/**
 * examples/catch-up-after-downtime.ts (quoted in the README and
 * docs/workflows.md), on the embedded broker and on RabbitMQ, with the fake
 * deployment: failures that happened while the bot was down are rebuilt from
 * the Queue API, failures after it started arrive live, and a failure that
 * comes both ways (rebuilt and published again live) is reported once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDedupStore, QueueEvents, slugid } from '../src/index.js';
import { catchUpAndFollow } from '../examples/catch-up-after-downtime.js';
import { describeDocExcerpts } from './support/doc-excerpts.js';
import { useExampleDeployment } from './support/example-deployment.js';
import { eventually } from './support/rabbit.js';

const deployment = useExampleDeployment();

describe('examples/catch-up-after-downtime.ts', () => {
  for (const broker of ['the embedded broker', 'RabbitMQ'] as const) {
    it(`reports every failure once, missed or live, on ${broker}`, async (t) => {
      const { fake, pulse, publisher, queue } = await deployment.setUp(t, broker, 'catch-up');
      const taskGroupId = slugid();
      const task = () => {
        const taskId = slugid();
        fake.queue.addTask(taskId, { taskGroupId, taskQueueId: 'proj/linux' });
        return taskId;
      };
      // While the bot was down: two failures, an exception and a success; nobody heard them.
      const [missedFailure, missedException, succeeded] = [task(), task(), task()];
      const missedFailureMessage = fake.queue.resolveTask(missedFailure, 'failed');
      fake.queue.resolveTask(missedException, 'exception', { reasonResolved: 'malformed-payload' });
      fake.queue.resolveTask(succeeded, 'completed');

      const reports: string[] = [];
      const outcomes = catchUpAndFollow(taskGroupId, { pulse, queue, store: new MemoryDedupStore() }, (line) => reports.push(line));
      const subscription = outcomes.subscribe({ error: (error) => reports.push(`stream error: ${String(error)}`) });
      t.after(() => subscription.unsubscribe());
      await eventually(() => reports.length === 2, 'the missed failures reported');

      // Live: a new failure, and the missed one published again (a late copy of what was rebuilt).
      const liveFailure = task();
      await publisher.publish(QueueEvents, 'taskFailed', fake.queue.resolveTask(liveFailure, 'failed'));
      await publisher.publish(QueueEvents, 'taskFailed', missedFailureMessage);
      await eventually(() => reports.length >= 3, 'the live failure reported');
      await new Promise((resolve) => setTimeout(resolve, 300));
      subscription.unsubscribe();

      assert.deepEqual(reports.sort(), [`task ${liveFailure} run 0: task-failed`, `task ${missedException} run 0: task-exception`, `task ${missedFailure} run 0: task-failed`].sort());
    });
  }
});

describeDocExcerpts('docs/workflows.md', 1);
