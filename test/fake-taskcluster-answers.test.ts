/**
 * The fake deployment never feeds a bot an answer no deployment would give:
 * successful answers, its own and overrides', are checked against the
 * method's output schema.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue, slugid, TaskclusterError, type QueueTypes } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';

let fake: FakeTaskcluster;
let unchecked: FakeTaskcluster;

before(async () => {
  [fake, unchecked] = await Promise.all([startFakeTaskcluster(), startFakeTaskcluster({ validate: false })]);
});
after(() => Promise.all([fake.close(), unchecked.close()]));

const clientOf = (deployment: FakeTaskcluster) => new Queue({ rootUrl: deployment.rootUrl, credentials: deployment.credentials, retries: 0 });
/** A body the types refuse, as a JavaScript test (or a cast) could still give. */
const wrongStatus = { state: 'completed' } as unknown as QueueTypes.TaskStatusResponse;

describe('answers checked against the output schemas', () => {
  it('an override whose success body does not match the output schema is answered 500, naming the schema, path and rule', async () => {
    const taskId = slugid();
    fake.queue.addTask(taskId);
    const remove = fake.override('queue.status', () => ({ status: 200, body: wrongStatus }));
    try {
      await assert.rejects(clientOf(fake).status(taskId), (error: unknown) => {
        assert.ok(error instanceof TaskclusterError);
        assert.equal(error.statusCode, 500);
        assert.match(error.message, /the 200 answer to queue\.status: payload does not match \/schemas\/queue\/v1\/task-status-response\.json/);
        assert.match(error.message, /must have required property 'status'/);
        return true;
      });
      assert.equal(fake.calls.at(-1)!.status, 500);
    } finally {
      remove();
    }
    assert.equal((await clientOf(fake).status(taskId)).status.taskId, taskId);
  });

  it('error answers are not checked; validate: false turns the check off', async () => {
    const restore = fake.override('queue.status', () => ({ status: 409, body: { anything: true } }));
    await assert.rejects(clientOf(fake).status(slugid()), (error: unknown) => error instanceof TaskclusterError && error.statusCode === 409);
    restore();
    unchecked.override('queue.status', () => ({ status: 200, body: wrongStatus }));
    assert.deepEqual(await clientOf(unchecked).status(slugid()), { state: 'completed' });
  });
});
