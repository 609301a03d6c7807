/**
 * examples/backfill-task-group.ts (quoted in docs/workflows.md), run against
 * the fake deployment: a group's resolutions and its taskGroupResolved are
 * rebuilt and handled; with `since`, only what happened since.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import { Queue, slugid } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { catchUp } from '../examples/backfill-task-group.js';
import { describeDocExcerpts } from './support/doc-excerpts.js';

let fake: FakeTaskcluster;
let queue: Queue;
before(async () => {
  fake = await startFakeTaskcluster();
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, delayFactor: 1 });
});
after(() => fake.close());

describe('examples/backfill-task-group.ts', () => {
  it('handles the resolutions and the group resolution the bot missed', async () => {
    const taskGroupId = slugid();
    const [done, broken] = [slugid(), slugid()];
    fake.queue.addTask(done, { taskGroupId, taskQueueId: 'proj/linux' });
    fake.queue.addTask(broken, { taskGroupId, taskQueueId: 'proj/linux' });
    fake.queue.resolveTask(done, 'completed');
    fake.queue.resolveTask(broken, 'failed');
    const printed: string[] = [];
    const outcomes = await lastValueFrom(catchUp(queue, taskGroupId, undefined, (line) => printed.push(line)).pipe(toArray()));
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['handled', 'handled', 'handled']);
    assert.deepEqual(printed.sort(), [`group ${taskGroupId} resolved`, `task ${broken} run 0 failed (backfill)`, `task ${done} run 0 completed (backfill)`].sort());

    const since = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later: string[] = [];
    await lastValueFrom(catchUp(queue, taskGroupId, since, (line) => later.push(line)).pipe(toArray()));
    assert.deepEqual(later, [], 'nothing happened since');
  });
});

describeDocExcerpts('docs/workflows.md', 1);
