/** TaskCache against the fake queue: one request per task, shared and bounded; failures not kept. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiArgumentError, Queue, slugid, TaskCache, TaskclusterError } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';

let fake: FakeTaskcluster;
let queue: Queue;
before(async () => {
  fake = await startFakeTaskcluster();
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, retries: 0 });
});
after(() => fake.close());

const taskCalls = (taskId: string) => fake.calls.filter((call) => call.api === 'queue.task' && call.params.taskId === taskId).length;

function newTask(): string {
  const taskId = slugid();
  fake.queue.addTask(taskId, { metadata: { name: `task ${taskId}`, description: '', owner: 'a@example.com', source: 'https://example.com' } });
  return taskId;
}

describe('TaskCache', () => {
  it('concurrent callers share one request; later ones are answered from the cache', async () => {
    const cache = new TaskCache(queue);
    const taskId = newTask();
    const tasks = await Promise.all(Array.from({ length: 20 }, () => cache.task(taskId)));
    assert.equal(tasks[0]!.metadata.name, `task ${taskId}`);
    assert.ok(tasks.every((task) => task === tasks[0]));
    await cache.task(taskId);
    assert.equal(taskCalls(taskId), 1);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new TaskCache(queue, { maxEntries: 2 });
    const [a, b, c] = [newTask(), newTask(), newTask()];
    await cache.task(a);
    await cache.task(b);
    await cache.task(a); // a is now the most recent
    await cache.task(c); // evicts b
    assert.equal(cache.size, 2);
    await cache.task(a);
    await cache.task(b);
    assert.deepEqual([taskCalls(a), taskCalls(b), taskCalls(c)], [1, 2, 1]);
  });

  it('a failed lookup is not kept: the next call asks again', async () => {
    const cache = new TaskCache(queue);
    const taskId = slugid();
    await assert.rejects(cache.task(taskId), (error: unknown) => error instanceof TaskclusterError && error.statusCode === 404);
    fake.queue.addTask(taskId);
    assert.equal((await cache.task(taskId)).taskGroupId !== undefined, true);
    assert.equal(taskCalls(taskId), 2);
  });

  it('bad input is refused by name before any request', async () => {
    assert.throws(() => new TaskCache(queue, { maxEntries: 0 }), /TaskCache \(maxEntries\): must be a positive integer/);
    assert.throws(() => new TaskCache({} as never), /TaskCache \(queue\): must be a Queue client/);
    await assert.rejects(new TaskCache(queue).task(''), (error: unknown) => error instanceof ApiArgumentError && error.field === 'taskId');
  });
});
