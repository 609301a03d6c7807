/**
 * Uploads through the fake Object service (which checks every hash given
 * against the bytes it received) and the fake queue's object-artifact flow.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ApiArgumentError, downloadArtifact, downloadObject, ObjectService, Queue, slugid, TaskclusterError, uploadArtifact, uploadObject } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { FAST_RETRIES } from './support/rest-fixtures.js';

let fake: FakeTaskcluster;
let object: ObjectService;
let queue: Queue;
let directory: string;
const expires = new Date(Date.now() + 3_600_000);
const common = { projectId: 'my-project', expires, retries: 2, ...FAST_RETRIES } as const;

before(async () => {
  fake = await startFakeTaskcluster();
  object = new ObjectService({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });
  directory = await mkdtemp(join(tmpdir(), 'tc-upload-'));
});
after(async () => {
  await fake.close();
  await rm(directory, { recursive: true, force: true });
});

const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));

describe('uploadObject', () => {
  it('small data goes inline in createUpload; the object is finished with hashes the fake verified', async () => {
    const result = await uploadObject({ object, name: 'small', data: 'hello', contentType: 'text/plain', ...common });
    assert.equal(result.method, 'dataInline');
    const stored = fake.objects.getObject('small');
    assert.deepEqual([stored?.content?.toString(), stored?.contentType, stored?.uploadId, stored?.hashes.sha256], ['hello', 'text/plain', undefined, result.hashes.sha256]);
    assert.equal((await downloadObject({ object, name: 'small', to: 'text' })).data, 'hello');
  });

  it('a buffer, a file and a stream go by putUrl; a 5xx on the PUT is retried (the stream factory is called again)', async () => {
    await uploadObject({ object, name: 'from-buffer', data: big, ...common });
    const file = join(directory, 'big.bin');
    await writeFile(file, big);
    await uploadObject({ object, name: 'from-file', data: { file }, ...common });
    fake.storage.injectFault('from-stream', { status: 503 });
    let opened = 0;
    const result = await uploadObject({
      object,
      name: 'from-stream',
      data: { stream: () => (opened++, Readable.from([big.subarray(0, 1000), big.subarray(1000)])), contentLength: big.length },
      ...common,
    });
    assert.deepEqual([result.method, opened], ['putUrl', 2]);
    for (const name of ['from-buffer', 'from-file', 'from-stream']) {
      assert.ok(fake.objects.getObject(name)?.content?.equals(big), name);
      assert.ok((await downloadObject({ object, name })).data.equals(big), name);
    }
    assert.deepEqual(fake.storage.requests.filter((r) => r.key === 'objects/from-stream' && r.method === 'PUT').map((r) => r.status), [503, 200]);
  });

  it('the fake refuses a finishUpload whose hash is not that of the bytes received, algorithm by algorithm', async () => {
    const uploadId = slugid();
    const created = await object.createUpload('liar', { projectId: 'p', uploadId, expires: expires.toJSON(), proposedUploadMethods: { putUrl: { contentType: 'a/b', contentLength: 3 } } });
    const put = created.uploadMethod.putUrl!;
    assert.equal((await fetch(put.url, { method: 'PUT', headers: put.headers as Record<string, string>, body: 'abc' })).status, 200);
    await assert.rejects(object.finishUpload('liar', { projectId: 'p', uploadId, hashes: { sha512: 'f'.repeat(128) } }), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      assert.deepEqual([error.statusCode, error.code], [400, 'InputError']);
      assert.match(error.message, /sha512 given is not that of the bytes uploaded/);
      return true;
    });
  });

  it('bad input is refused naming the field, before any request', async () => {
    const calls = fake.calls.length;
    const cases: [unknown, RegExp][] = [
      [{ ...common, object, name: 'x' }, /\(data\): must be a string, a Buffer/],
      [{ ...common, object, name: 'x', data: { stream: () => Readable.from([]) } }, /\(data.contentLength\)/],
      [{ ...common, object, name: 'x', data: { file: '/no/such/file' } }, /\(data.file\): must be a readable file/],
      [{ ...common, object, name: 'x', data: 'a', expires: 'soon' }, /\(expires\): must be a Date/],
      [{ ...common, object, name: 'x', data: 'a', projectId: undefined }, /\(projectId\): must be a non-empty string/],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(uploadObject(input as never), (error: unknown) => error instanceof ApiArgumentError && message.test(error.message));
    }
    assert.equal(fake.calls.length, calls);
  });
});

describe('uploadArtifact', () => {
  it('createArtifact, the upload with the queue-given credentials, finishArtifact; then it downloads verified', async () => {
    const taskId = slugid();
    fake.queue.addTask(taskId);
    const runId = fake.queue.startRun(taskId);
    const result = await uploadArtifact({ queue, taskId, runId, name: 'public/build/out.bin', data: big, contentType: 'application/x-out', expires, ...FAST_RETRIES });
    assert.equal(result.name, `t/${taskId}/${runId}/public/build/out.bin`);
    assert.deepEqual(
      fake.calls.filter((c) => c.api.startsWith('queue.') || c.api.startsWith('object.')).slice(-4).map((c) => [c.api, c.status]),
      [['queue.createArtifact', 200], ['object.createUpload', 200], ['object.finishUpload', 200], ['queue.finishArtifact', 204]],
    );
    const listed = await queue.listArtifacts(taskId, runId);
    assert.deepEqual(listed.artifacts.map((a) => [a.name, a.storageType, a.contentType]), [['public/build/out.bin', 'object', 'application/x-out']]);
    const download = await downloadArtifact({ queue, taskId, name: 'public/build/out.bin' });
    assert.ok(download.data.equals(big));
    assert.equal(download.hashes?.sha256, result.hashes.sha256);
  });

  it('on a resolved run the queue refuses (409), as it does', async () => {
    const taskId = slugid();
    fake.queue.addTask(taskId);
    fake.queue.resolveTask(taskId, 'completed');
    await assert.rejects(uploadArtifact({ queue, taskId, runId: 0, name: 'public/late.txt', data: 'x', expires, retries: 0 }), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      assert.deepEqual([error.statusCode, error.code], [409, 'RequestConflict']);
      return true;
    });
  });
});
