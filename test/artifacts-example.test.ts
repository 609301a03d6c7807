/**
 * examples/failed-task-logs.ts (quoted in docs/artifacts.md and the README),
 * run against the fake deployment and the embedded broker: a failed task's
 * log is downloaded (gzip-encoded, as S3 serves logs) and its last error
 * lines printed; a task whose log is an error artifact or a reference is
 * reported without a download.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { filter, firstValueFrom, share } from 'rxjs';
import { closeConnections, closeTransferConnections, PulseClient, Queue, QueueEvents, slugid } from '../src/index.js';
import { PulsePublisher, startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { printFailedTaskErrors } from '../examples/failed-task-logs.js';
import { describeDocExcerpts } from './support/doc-excerpts.js';

const url = `memory://failed-task-logs-${slugid()}`;
const pulse = new PulseClient({ url });
const publisher = new PulsePublisher({ url });
const printed: string[] = [];
let fake: FakeTaskcluster;
let outcomes: ReturnType<typeof printFailedTaskErrors>;

before(async () => {
  fake = await startFakeTaskcluster();
  const queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, delayFactor: 1 });
  await publisher.declareExchanges(QueueEvents, ['taskFailed']);
  const consuming = new Promise((resolve) => pulse.once('consuming', resolve));
  outcomes = printFailedTaskErrors(pulse, queue, (text) => printed.push(text), 2).pipe(share());
  outcomes.subscribe();
  await consuming;
});
after(async () => {
  await Promise.all([pulse.close(), publisher.close()]);
  await Promise.all([closeConnections(), closeTransferConnections()]);
  await fake.close();
});

/** Fails the task as the queue would and waits (10 s at most) until the bot handled the message. */
async function failTask(taskId: string, log: Parameters<FakeTaskcluster['queue']['addArtifact']>[2]): Promise<string> {
  const message = fake.queue.resolveTask(taskId, 'failed');
  fake.queue.addArtifact(taskId, 'public/logs/live_backing.log', log);
  const handled = firstValueFrom(outcomes.pipe(filter((o) => o.message.payload.status.taskId === taskId)));
  await publisher.publish(QueueEvents, 'taskFailed', message);
  const outcome = await Promise.race([handled, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not handled within 10 s')), 10_000).unref())]);
  assert.equal(outcome.status, 'handled', String(outcome.status === 'handled' ? '' : outcome.error));
  return printed.at(-1)!;
}

describe('examples/failed-task-logs.ts', () => {
  it('prints the last error lines of a failed task\'s log', async () => {
    const taskId = slugid();
    fake.queue.addTask(taskId);
    const log = ['[taskcluster] starting', 'error: first', 'compiling', 'Error: second', 'ERROR third', 'done, exit 1', ''].join('\n');
    const text = await failTask(taskId, { content: gzipSync(log), contentEncoding: 'gzip' });
    assert.equal(text, `task ${taskId} failed; last error lines of its log:\n  Error: second\n  ERROR third`);
  });

  it('reports a missing log (error artifact) and a reference log (refused) without fetching anything', async () => {
    const missing = slugid();
    fake.queue.addTask(missing);
    assert.match(await failTask(missing, { storageType: 'error', reason: 'file-missing-on-worker', message: 'no log' }), /failed; no log: ArtifactError .*file-missing-on-worker: no log/);
    const referenced = slugid();
    fake.queue.addTask(referenced);
    const before = fake.storage.requests.length;
    assert.match(await failTask(referenced, { storageType: 'reference', url: 'http://169.254.169.254/latest/meta-data/' }), /failed; no log: ArtifactStorageTypeRejected/);
    assert.equal(fake.storage.requests.length, before);
  });
});

describeDocExcerpts('docs/artifacts.md', 3);
