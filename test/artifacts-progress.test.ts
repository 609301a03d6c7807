/**
 * The transfer options the CLI relies on: `onProgress` for downloads and
 * uploads, and reference URLs (a worker's livelog, `/log/<access token>`)
 * kept out of error messages.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ApiArgumentError,
  ArtifactError,
  downloadArtifact,
  ObjectService,
  Queue,
  uploadObject,
} from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { completedTask, type FakeArtifact } from './support/artifact-tasks.js';
import { FAST_RETRIES } from './support/rest-fixtures.js';
import { usePlainServer } from './support/plain-http.js';

let fake: FakeTaskcluster;
let queue: Queue;
let object: ObjectService;
let directory: string;
const plain = usePlainServer();

before(async () => {
  fake = await startFakeTaskcluster();
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });
  object = new ObjectService({ rootUrl: fake.rootUrl, credentials: fake.credentials, ...FAST_RETRIES });
  directory = await mkdtemp(join(tmpdir(), 'tc-progress-'));
});
after(async () => {
  await fake.close();
  await rm(directory, { recursive: true, force: true });
});

const taskWith = (name: string, artifact: FakeArtifact) => completedTask(fake, { [name]: artifact });

/** A listener that records what it hears. */
function recorder() {
  const heard: [number, number | undefined][] = [];
  return { heard, listener: (transferred: number, total: number | undefined) => void heard.push([transferred, total]) };
}

const content = Buffer.from(Array.from({ length: 2_000_000 }, (_, i) => (i * 13) % 251));

describe('onProgress', () => {
  it('hears a download grow to its size, through a retry that resumes by Range', async () => {
    const taskId = taskWith('public/big.bin', { storageType: 'object', content });
    fake.storage.injectFault('public/big.bin', { truncateAfter: 700_000 });
    const { heard, listener } = recorder();
    const result = await downloadArtifact({ queue, taskId, name: 'public/big.bin', onProgress: listener, ...FAST_RETRIES });
    assert.ok(result.data.equals(content));
    assert.equal(result.attempts, 2);
    assert.ok(heard.length >= 2);
    assert.deepEqual(heard.at(-1), [content.length, content.length]);
    for (let i = 1; i < heard.length; i++) assert.ok(heard[i]![0] > heard[i - 1]![0], `not growing at ${i}: ${JSON.stringify(heard.slice(i - 1, i + 1))}`);
  });

  it('hears an upload by putUrl chunk by chunk, and an inline one once', async () => {
    const file = join(directory, 'up.bin');
    await writeFile(file, content);
    const expires = new Date(Date.now() + 3_600_000);
    const big = recorder();
    await uploadObject({ object, name: 'progress/big', projectId: 'p', expires, data: { file }, onProgress: big.listener });
    assert.ok(big.heard.length >= 2, `${big.heard.length} calls`);
    assert.deepEqual(big.heard.at(-1), [content.length, content.length]);
    const small = recorder();
    await uploadObject({ object, name: 'progress/small', projectId: 'p', expires, data: 'tiny', onProgress: small.listener });
    assert.deepEqual(small.heard, [[4, 4]]);
  });

  it('must be a function, checked before any request; one that throws fails the download at once, leaving no file', async () => {
    const taskId = taskWith('public/p.bin', { content });
    const requests = fake.requests.length;
    await assert.rejects(
      downloadArtifact({ queue, taskId, name: 'public/p.bin', onProgress: 'often' as unknown as () => void }),
      (error: unknown) => error instanceof ApiArgumentError && /onProgress.*must be a function/.test(error.message),
    );
    assert.equal(fake.requests.length, requests);
    const file = join(directory, 'p.bin');
    await assert.rejects(
      downloadArtifact({ queue, taskId, name: 'public/p.bin', to: { file }, onProgress: () => { throw new Error('listener broke'); } }),
      (error: unknown) => error instanceof ArtifactError && error.code === 'Aborted' && /listener broke/.test(error.message) && error.attempts === 1,
    );
    assert.deepEqual(await readdir(directory).then((names) => names.filter((name) => name.startsWith('.p.bin'))), []);
  });
});

describe('reference URLs in errors', () => {
  it("quote only the origin: the path may be a livelog's access token", async () => {
    const token = 'c2VjcmV0LWxpdmVsb2ctdG9rZW4';
    plain.routes.set(`/log/${token}`, (request, response) => response.writeHead(404, { 'content-type': 'text/plain' }).end(`no log at ${request.url}`));
    const taskId = taskWith('public/logs/live.log', { storageType: 'reference', url: `${plain.origin}/log/${token}` });
    await assert.rejects(downloadArtifact({ queue, taskId, name: 'public/logs/live.log', followReferences: true }), (error: unknown) => {
      assert.ok(error instanceof ArtifactError);
      assert.equal(error.statusCode, 404);
      assert.ok(error.message.includes(`[${plain.origin}]`), error.message);
      assert.ok(!error.message.includes(token), error.message);
      return true;
    });
  });
});
