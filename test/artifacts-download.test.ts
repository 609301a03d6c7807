/**
 * Downloads against the fake deployment (queue, object service, storage with
 * injected faults) and a plain local server standing for storage behind
 * redirects and for URLs a task chose.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ApiArgumentError, ArtifactError, downloadArtifact, downloadObject, ObjectService, Queue, slugid } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { completedTask, type FakeArtifact } from './support/artifact-tasks.js';
import { FAST_RETRIES } from './support/rest-fixtures.js';
import { bytes, redirectTo, usePlainServer } from './support/plain-http.js';

let fake: FakeTaskcluster;
let queue: Queue;
let directory: string;
const plain = usePlainServer();

before(async () => {
  fake = await startFakeTaskcluster();
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });
  directory = await mkdtemp(join(tmpdir(), 'tc-artifacts-'));
});
after(async () => {
  await fake.close();
  await rm(directory, { recursive: true, force: true });
});

/** A task whose run 0 completed, with one artifact `name`. */
const taskWith = (name: string, artifact: FakeArtifact) => completedTask(fake, { [name]: artifact });

async function rejectsWithCode(promise: Promise<unknown>, code: string, check?: (error: ArtifactError) => void): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ArtifactError, String(error));
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  });
}

const LOG = 'line 1\nline 2\r\nerror: it broke\nlast line without newline';
const options = { retries: 2, ...FAST_RETRIES } as const;

describe('downloadArtifact by storage type', () => {
  it('s3: buffer, text, json, lines, stream and file, with content type and size', async () => {
    const taskId = taskWith('public/logs/live.log', { content: LOG });
    const json = taskWith('public/report.json', { content: '{"ok":true}', contentType: 'application/json' });

    const buffer = await downloadArtifact({ queue, taskId, name: 'public/logs/live.log', ...options });
    assert.deepEqual([buffer.data.toString(), buffer.storageType, buffer.contentType, buffer.size, buffer.contentLength], [LOG, 's3', 'text/plain; charset=utf-8', LOG.length, LOG.length]);
    assert.equal((await downloadArtifact({ queue, taskId, name: 'public/logs/live.log', to: 'text' })).data, LOG);
    assert.deepEqual((await downloadArtifact({ queue, taskId: json, runId: 0, name: 'public/report.json', to: 'json' })).data, { ok: true });

    const lines = await downloadArtifact({ queue, taskId, name: 'public/logs/live.log', to: 'lines' });
    const seen: string[] = [];
    for await (const line of lines.lines) seen.push(line);
    assert.deepEqual(seen, ['line 1', 'line 2', 'error: it broke', 'last line without newline']);

    const streamed = await downloadArtifact({ queue, taskId, name: 'public/logs/live.log', to: 'stream' });
    assert.equal(streamed.contentType, 'text/plain; charset=utf-8');
    const chunks: Buffer[] = [];
    for await (const chunk of streamed.stream) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), LOG);
    assert.equal((await streamed.done).size, LOG.length);

    const file = join(directory, 'live.log');
    const saved = await downloadArtifact({ queue, taskId, name: 'public/logs/live.log', to: { file } });
    assert.equal(saved.file, file);
    assert.equal(await readFile(file, 'utf8'), LOG);
  });

  it('s3 served gzip-encoded (as S3 keeps logs) is decoded', async () => {
    const taskId = taskWith('public/logs/live_backing.log', { content: gzipSync(LOG), contentEncoding: 'gzip' });
    const download = await downloadArtifact({ queue, taskId, name: 'public/logs/live_backing.log', to: 'text' });
    assert.deepEqual([download.data, download.contentEncoding, download.size], [LOG, 'gzip', LOG.length]);
  });

  it('object: through the Object service with the credentials the queue gives, sha256 and sha512 verified', async () => {
    const content = Buffer.from('PK\x03\x04 a zip, say');
    const taskId = taskWith('public/build/target.zip', { storageType: 'object', content, contentType: 'application/zip' });
    const download = await downloadArtifact({ queue, taskId, name: 'public/build/target.zip' });
    assert.deepEqual([download.data, download.storageType, download.contentType], [content, 'object', 'application/zip']);
    assert.match(download.hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    const startDownload = fake.calls.filter((call) => call.api === 'object.startDownload').at(-1);
    assert.ok(startDownload?.auth.scheme === 'hawk' && startDownload.auth.temporary, 'the object service was called with the temporary credentials');
  });

  it('error: an ArtifactError carrying the reason and message, no download attempted', async () => {
    const taskId = taskWith('public/missing.txt', { storageType: 'error', reason: 'file-missing-on-worker', message: 'no such file: /builds/x' });
    const before = fake.storage.requests.length;
    await rejectsWithCode(downloadArtifact({ queue, taskId, name: 'public/missing.txt' }), 'ArtifactError', (error) => {
      assert.equal(error.reason, 'file-missing-on-worker');
      assert.match(error.message, /no such file: \/builds\/x/);
    });
    assert.equal(fake.storage.requests.length, before);
  });

  it('reference: refused by default before its URL is read; fetched through redirects with followReferences', async () => {
    plain.routes.set('/task-chosen', redirectTo('/moved'));
    plain.routes.set('/moved', redirectTo(`${plain.origin}/content`, 307));
    plain.routes.set('/content', bytes('referenced bytes', 'text/x-custom'));
    const taskId = taskWith('public/ref', { storageType: 'reference', url: `${plain.origin}/task-chosen` });
    const requestsBefore = plain.requests.length;
    await rejectsWithCode(downloadArtifact({ queue, taskId, name: 'public/ref' }), 'ArtifactStorageTypeRejected', (error) => {
      assert.equal(error.storageType, 'reference');
    });
    assert.equal(plain.requests.length, requestsBefore, 'the task-chosen URL was not touched');

    const followed = await downloadArtifact({ queue, taskId, name: 'public/ref', followReferences: true, to: 'text' });
    assert.deepEqual([followed.data, followed.storageType, followed.contentType], ['referenced bytes', 'reference', 'text/x-custom']);
    assert.deepEqual(plain.requests.slice(requestsBefore).map((r) => r.url), ['/task-chosen', '/moved', '/content']);
  });
});

describe('downloadObject', () => {
  const object = () => new ObjectService({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });

  it('getUrl is preferred; simple (for a backend offering only it) is verified against the metadata hashes', async () => {
    fake.objects.addObject('both', { content: 'via getUrl' });
    fake.objects.addObject('simple-only', { content: 'via simple', downloadMethods: ['simple'] });
    assert.equal((await downloadObject({ object: object(), name: 'both', to: 'text' })).data, 'via getUrl');
    const simple = await downloadObject({ object: object(), name: 'simple-only', to: 'text' });
    assert.equal(simple.data, 'via simple');
    assert.match(simple.hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(fake.calls.some((call) => call.api === 'object.object' && call.params.name === 'simple-only'), 'metadata fetched for the hashes');
  });

  it('verifies by sha256 alone when it was recorded (half the CPU of both), else by sha512', async () => {
    const content = Buffer.alloc(50_000, 3);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const sha512 = createHash('sha512').update(content).digest('hex');
    fake.objects.addObject('both-recorded', { content });
    fake.objects.addObject('sha512-recorded', { content, hashes: { sha512 } });
    assert.deepEqual((await downloadObject({ object: object(), name: 'both-recorded' })).hashes, { sha256 });
    assert.deepEqual((await downloadObject({ object: object(), name: 'sha512-recorded' })).hashes, { sha512 });
    fake.objects.addObject('sha512-wrong', { content, hashes: { sha512: '0'.repeat(128) } });
    await rejectsWithCode(downloadObject({ object: object(), name: 'sha512-wrong' }), 'HashMismatch');
  });

  it('a recorded hash that does not match is HashMismatch; none recorded is NoAcceptableHash', async () => {
    fake.objects.addObject('bad-hash', { content: 'abc', hashes: { sha256: '0'.repeat(64) } });
    fake.objects.addObject('no-hash', { content: 'abc', hashes: { md5: 'x' } });
    await rejectsWithCode(downloadObject({ object: object(), name: 'bad-hash' }), 'HashMismatch');
    await rejectsWithCode(downloadObject({ object: object(), name: 'no-hash' }), 'NoAcceptableHash');
  });
});

describe('faults in the data transfer', () => {
  it('wrong bytes from storage: HashMismatch, and the file target is never written under its name (nor left as a temporary)', async () => {
    const taskId = taskWith('public/corrupt.bin', { storageType: 'object', content: Buffer.alloc(100_000, 7) });
    fake.storage.injectFault('public/corrupt.bin', { corrupt: true });
    const target = join(directory, 'corrupt', 'corrupt.bin');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(directory, 'corrupt')));
    await rejectsWithCode(downloadArtifact({ queue, taskId, name: 'public/corrupt.bin', to: { file: target }, ...options }), 'HashMismatch');
    assert.deepEqual(await readdir(join(directory, 'corrupt')), []);
  });

  it('a mismatch reaches a stream reader as an error, not as a clean end', async () => {
    const taskId = taskWith('public/corrupt-stream.bin', { storageType: 'object', content: 'x'.repeat(1000) });
    fake.storage.injectFault('public/corrupt-stream.bin', { corrupt: true });
    const download = await downloadArtifact({ queue, taskId, name: 'public/corrupt-stream.bin', to: 'stream' });
    await assert.rejects(async () => {
      for await (const _chunk of download.stream);
    }, (error: unknown) => error instanceof ArtifactError && error.code === 'HashMismatch');
  });

  it('a truncated body is resumed with a Range request, and the bytes still verify', async () => {
    const content = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
    const taskId = taskWith('public/cut.bin', { storageType: 'object', content });
    fake.storage.injectFault('public/cut.bin', { truncateAfter: 20_000 });
    const download = await downloadArtifact({ queue, taskId, name: 'public/cut.bin', ...options });
    assert.ok(download.data.equals(content));
    assert.equal(download.attempts, 2);
    const gets = fake.storage.requests.filter((r) => r.key.endsWith('public/cut.bin'));
    assert.deepEqual(gets.map((r) => [r.range, r.status]), [[undefined, 0], ['bytes=20000-', 206]]);
  });

  it('a body truncated every time fails after the retries, leaving no file', async () => {
    const taskId = taskWith('public/always-cut.bin', { content: Buffer.alloc(10_000) });
    fake.storage.injectFault('public/always-cut.bin', { truncateAfter: 100, times: Infinity });
    const target = join(directory, 'always-cut.bin');
    await assert.rejects(downloadArtifact({ queue, taskId, name: 'public/always-cut.bin', to: { file: target }, ...options }), (error: unknown) => {
      assert.ok(error instanceof ArtifactError);
      assert.ok(['ECONNRESET', 'SizeMismatch'].includes(error.code), error.code);
      assert.equal(error.attempts, 3);
      return true;
    });
    assert.deepEqual((await readdir(directory)).filter((f) => f.includes('always-cut')), []);
  });

  it('a 5xx succeeds on retry; a 4xx is final', async () => {
    const taskId = taskWith('public/flaky.txt', { content: 'eventually' });
    fake.storage.injectFault('public/flaky.txt', { status: 503 });
    const download = await downloadArtifact({ queue, taskId, name: 'public/flaky.txt', to: 'text', ...options });
    assert.deepEqual([download.data, download.attempts], ['eventually', 2]);

    fake.storage.injectFault('public/flaky.txt', { status: 403, times: 5 });
    await rejectsWithCode(downloadArtifact({ queue, taskId, name: 'public/flaky.txt', ...options }), 'StorageError', (error) => {
      assert.deepEqual([error.statusCode, error.attempts], [403, 1]);
    });
  });

  it('a slow answer times out (ECONNABORTED) and is retried', async () => {
    const taskId = taskWith('public/slow.txt', { content: 'slowly' });
    fake.storage.injectFault('public/slow.txt', { delayMs: 400 });
    await rejectsWithCode(downloadArtifact({ queue, taskId, name: 'public/slow.txt', timeout: 100, retries: 0 }), 'ECONNABORTED');
    fake.storage.injectFault('public/slow.txt', { delayMs: 400 });
    const download = await downloadArtifact({ queue, taskId, name: 'public/slow.txt', to: 'text', timeout: 100, ...options });
    assert.deepEqual([download.data, download.attempts], ['slowly', 2]);
  });

  it('an expired getUrl is renewed with a new startDownload before a retry', async () => {
    fake.objects.addObject('renewed', { content: 'fresh' });
    const undo = fake.override('object.startDownload', () => undefined);
    let answers = 0;
    const undoExpiry = fake.override('object.startDownload', (call) => {
      answers++;
      if (answers > 1) return undefined;
      const url = fake.storage.url('objects/renewed');
      return { status: 200, body: { method: 'getUrl', url, hashes: {}, expires: new Date(Date.now() - 1000).toJSON() } as never };
    });
    fake.storage.injectFault('renewed', { status: 500 });
    const object = new ObjectService({ rootUrl: fake.rootUrl, credentials: fake.credentials });
    const download = await downloadObject({ object, name: 'renewed', to: 'text', ...options });
    undoExpiry();
    undo();
    assert.deepEqual([download.data, answers], ['fresh', 2]);
  });
});

describe('bad input and secrets', () => {
  it('bad options are refused naming the field and rule, before any request', async () => {
    const calls = fake.calls.length;
    const cases: [unknown, RegExp][] = [
      [{ queue, name: 'x' }, /\(taskId\): must be a non-empty string/],
      [{ queue, taskId: 'abc', name: '' }, /\(name\): must be a non-empty string/],
      [{ queue, taskId: 'abc', name: 'x', runId: -1 }, /\(runId\): must be a non-negative integer/],
      [{ queue, taskId: 'abc', name: 'x', to: 'xml' }, /\(to\): must be 'buffer'/],
      [{ queue, taskId: 'abc', name: 'x', to: { file: '/no/such/dir/f' } }, /\(to.file\): must be in an existing directory/],
      [{ queue, taskId: 'abc', name: 'x', retries: -1 }, /\(retries\): must be a non-negative integer/],
      [{ queue: {}, taskId: 'abc', name: 'x' }, /\(queue\): must be a Queue client/],
      [{ queue, taskId: 'abc', name: 'x', followReferences: 'yes' }, /\(followReferences\): must be a boolean/],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(downloadArtifact(input as never), (error: unknown) => error instanceof ApiArgumentError && message.test(error.message));
    }
    assert.equal(fake.calls.length, calls);
  });

  it('a signed storage URL never shows its signature in an error', async () => {
    const secret = 'Sig-do-not-log-8841';
    plain.routes.set('/signed', (_request, response) => response.writeHead(404).end(`no such key; you sent X-Amz-Signature=${secret}`));
    const taskId = taskWith('public/signed', { storageType: 'reference', url: `${plain.origin}/signed?X-Amz-Signature=${secret}` });
    await rejectsWithCode(downloadArtifact({ queue, taskId, name: 'public/signed', followReferences: true }), 'StorageError', (error) => {
      for (const text of [error.message, inspect(error), JSON.stringify(error)]) assert.ok(!text.includes(secret), text);
    });
  });
});
