/**
 * examples/follow-push.ts (quoted in the README and docs/workflows.md) on
 * the embedded broker and on RabbitMQ (a vhost of its own: the example binds
 * the real exchange names), with the fake deployment: a push of 30 tasks,
 * some failing, some resolved before the bot starts; each failure reported
 * once, and the function returns when the group is resolved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportFailures } from '../examples/follow-push.js';
import { describeDocExcerpts } from './support/doc-excerpts.js';
import { useExampleDeployment } from './support/example-deployment.js';
import { eventually } from './support/rabbit.js';
import { TaskGroupStory } from './support/task-group-story.js';

const deployment = useExampleDeployment();

describe('examples/follow-push.ts', () => {
  for (const broker of ['the embedded broker', 'RabbitMQ'] as const) {
    it(`reports each failure once and returns when the group resolves, on ${broker}`, async (t) => {
      const { fake, pulse, publisher, queue } = await deployment.setUp(t, broker, 'follow-push');
      const story = new TaskGroupStory(fake, 30);
      // The real exchange names, as a deployment publishes them.
      const exchangePrefix = 'exchange/taskcluster-queue/v1/';
      const send = async (messages: ReturnType<TaskGroupStory['run']>) => {
        for (const m of [...messages, ...messages]) await m.send(publisher, exchangePrefix);
      };
      // A third of the push is over before the bot starts; the rest while it watches.
      await send([...story.define(), ...story.run(story.taskIds.slice(0, 10))]);
      const reports: string[] = [];
      const done = reportFailures(story.taskGroupId, { pulse, queue }, (line) => reports.push(line));
      await eventually(() => pulse.connected && fake.calls.some((c) => c.params.taskGroupId === story.taskGroupId), 'the bot bound its queue and listed the group');
      await send(story.run(story.taskIds.slice(10)));
      await send([story.resolved()]);
      const summary = await done;

      const failures = [...story.finals].filter(([, f]) => f.state !== 'completed');
      assert.ok(failures.length >= 3, 'the push has failures');
      for (const [taskId, final] of failures) {
        assert.equal(reports.filter((line) => line.startsWith(`task ${taskId} ${final.state} (run ${final.runId},`)).length, 1, `${taskId} reported once: ${reports.join('\n')}`);
      }
      // A run's worker-shutdown exception that the queue retries is no failure of the task (resolved: false).
      assert.equal(reports.length, failures.length, reports.join('\n'));
      assert.deepEqual(summary?.counts, {
        completed: 30 - failures.length,
        failed: failures.filter(([, f]) => f.state === 'failed').length,
        exception: failures.filter(([, f]) => f.state === 'exception').length,
      });
    });
  }
});

describeDocExcerpts('docs/workflows.md', 1);
