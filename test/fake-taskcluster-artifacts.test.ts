/**
 * The fake queue's artifact methods, through the REST client as a bot calls
 * them: every answer is also checked here against the method's output schema
 * with the package's validator, so the fake cannot drift from the references.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue, slugid, TaskclusterError } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { packageValidator } from '../src/testing/message-validator.js';

let fake: FakeTaskcluster;
let queue: Queue;

before(async () => {
  fake = await startFakeTaskcluster();
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, retries: 0 });
});
after(() => fake.close());

/** Fails unless `body` matches the queue's schema `name` (e.g. `list-artifacts-response`). */
function assertSchema(name: string, body: unknown): void {
  packageValidator().validate(`queue answer`, `/schemas/queue/v1/${name}.json`, body);
}

async function rejectsWith(promise: Promise<unknown>, statusCode: number, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TaskclusterError, String(error));
    assert.equal(error.statusCode, statusCode, error.message);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** A task with two runs (0 failed, 1 completed), ready for artifacts. */
function taskWithTwoRuns(): string {
  const taskId = slugid();
  fake.queue.addTask(taskId);
  fake.queue.resolveTask(taskId, 'failed');
  fake.queue.resolveTask(taskId, 'completed');
  return taskId;
}

describe('fake queue artifacts: lists and info', () => {
  it('listArtifacts and listLatestArtifacts answer what addArtifact stored, by run, sorted by name', async () => {
    const taskId = taskWithTwoRuns();
    fake.queue.addArtifact(taskId, 'public/logs/live.log', { content: 'run 0 log', runId: 0 });
    fake.queue.addArtifact(taskId, 'public/logs/live.log', { content: 'run 1 log!' });
    fake.queue.addArtifact(taskId, 'public/build/target.tar.gz', { content: Buffer.alloc(3), contentType: 'application/gzip' });
    fake.queue.addArtifact(taskId, 'public/docs', { storageType: 'reference', url: 'https://docs.example.com/x', contentType: 'text/html' });

    const run0 = await queue.listArtifacts(taskId, 0);
    assertSchema('list-artifacts-response', run0);
    assert.deepEqual(run0.artifacts.map((a) => [a.name, a.storageType, a.contentLength]), [['public/logs/live.log', 's3', 9]]);

    const latest = await queue.listLatestArtifacts(taskId);
    assertSchema('list-artifacts-response', latest);
    assert.deepEqual(
      latest.artifacts.map((a) => [a.name, a.storageType, a.contentType, a.contentLength]),
      [
        ['public/build/target.tar.gz', 's3', 'application/gzip', 3],
        ['public/docs', 'reference', 'text/html', undefined],
        ['public/logs/live.log', 's3', 'text/plain; charset=utf-8', 10],
      ],
    );
    assert.equal(latest.continuationToken, undefined);
    // Expiry defaults to the task's.
    assert.equal(latest.artifacts[0]!.expires, fake.queue.status(taskId)!.expires);

    const info = await queue.latestArtifactInfo(taskId, 'public/docs');
    assertSchema('artifact-response', info);
    assert.deepEqual(info, latest.artifacts[1]);
    assert.deepEqual(await queue.artifactInfo(taskId, 0, 'public/logs/live.log'), run0.artifacts[0]);
  });

  it('pages with limit and continuationToken as the queue does; items() walks them all', async () => {
    const taskId = slugid();
    fake.queue.addTask(taskId);
    const names = Array.from({ length: 7 }, (_, i) => `public/file-${i}.txt`);
    for (const name of [...names].reverse()) fake.queue.addArtifact(taskId, name, { content: name, runId: 0 });

    const first = await queue.listArtifacts(taskId, 0, { limit: 3 });
    assertSchema('list-artifacts-response', first);
    assert.deepEqual(first.artifacts.map((a) => a.name), names.slice(0, 3));
    assert.equal(typeof first.continuationToken, 'string');
    const second = await queue.listLatestArtifacts(taskId, { limit: 3, continuationToken: first.continuationToken! });
    assert.deepEqual(second.artifacts.map((a) => a.name), names.slice(3, 6));
    const last = await queue.listLatestArtifacts(taskId, { limit: 3, continuationToken: second.continuationToken! });
    assert.deepEqual([last.artifacts.map((a) => a.name), last.continuationToken], [names.slice(6), undefined]);

    const all: string[] = [];
    for await (const artifact of queue.items(queue.listLatestArtifacts, taskId, { limit: 2 })) all.push(artifact.name);
    assert.deepEqual(all, names);
    // A limit that is not digits is refused as the API library refuses it (sent raw: clients may check it first).
    const refused = await fetch(`${fake.rootUrl}/api/queue/v1/task/${taskId}/artifacts?limit=ten`);
    assert.equal(refused.status, 400);
    assert.deepEqual(((await refused.json()) as { code: string }).code, 'InvalidRequestArguments');
  });

  it('unknown tasks, runs and artifacts are 404 with the queue\'s messages', async () => {
    const unknown = slugid();
    await rejectsWith(queue.listLatestArtifacts(unknown), 404, 'ResourceNotFound', /Task not found/);
    const unscheduled = slugid();
    fake.queue.addTask(unscheduled, { dependencies: [slugid()] });
    await rejectsWith(queue.listLatestArtifacts(unscheduled), 404, 'ResourceNotFound', /Task doesn't have any runs/);
    const taskId = taskWithTwoRuns();
    await rejectsWith(queue.listArtifacts(taskId, 2), 404, 'ResourceNotFound', /has no run with runId: 2/);
    await rejectsWith(queue.artifactInfo(taskId, 0, 'public/none'), 404, 'ResourceNotFound', /Artifact not found/);
    await rejectsWith(queue.latestArtifact(taskId, 'public/none'), 404, 'ResourceNotFound', /Artifact not found/);
  });
});

describe('fake queue artifacts: content by storage type', () => {
  it('s3: artifact answers {storageType, url}; getArtifact 303s to the same content', async () => {
    const taskId = taskWithTwoRuns();
    fake.queue.addArtifact(taskId, 'public/logs/live.log', { content: 'all good\n' });
    const answer = await queue.latestArtifact(taskId, 'public/logs/live.log');
    assertSchema('artifact-content-response', answer);
    assert.equal(answer.storageType, 's3');
    const download = await fetch((answer as { url: string }).url);
    assert.equal(await download.text(), 'all good\n');

    const redirect = await queue.getArtifact(taskId, 1, 'public/logs/live.log');
    assertSchema('get-artifact-response', redirect);
    assert.deepEqual(redirect, answer);
    const raw = await fetch(queue.buildSignedUrl(queue.getLatestArtifact, taskId, 'public/logs/live.log'), { redirect: 'manual' });
    assert.deepEqual([raw.status, raw.headers.get('location'), raw.headers.get('x-taskcluster-artifact-storage-type')], [303, redirect.url, 's3']);
  });

  it('object: artifact answers temporary credentials for the object service, signed by the fake', async () => {
    const taskId = taskWithTwoRuns();
    fake.queue.addArtifact(taskId, 'public/build.zip', { storageType: 'object', content: 'PK', contentType: 'application/zip' });
    const answer = await queue.artifact(taskId, 1, 'public/build.zip');
    assertSchema('artifact-content-response', answer);
    assert.ok(answer.storageType === 'object');
    assert.equal(answer.name, `t/${taskId}/1/public/build.zip`);
    assert.equal(answer.credentials.clientId, `artifact-download/${taskId}/1/public/build.zip`);
    const certificate = JSON.parse(answer.credentials.certificate) as { scopes: string[]; issuer: string };
    assert.deepEqual([certificate.scopes, certificate.issuer], [[`object:download:${answer.name}`], fake.credentials.clientId]);
    // The credentials work against the fake (which checks them as the auth service does).
    const asDownloader = new Queue({ rootUrl: fake.rootUrl, credentials: answer.credentials, retries: 0 });
    assert.equal((await asDownloader.status(taskId)).status.taskId, taskId);
    // getArtifact redirects to a simple download of the content.
    const redirect = await queue.getLatestArtifact(taskId, 'public/build.zip');
    assert.equal(redirect.storageType, 'object');
    assert.equal(await (await fetch(redirect.url)).text(), 'PK');
  });

  it('reference: artifact answers the URL; getArtifact redirects to it', async () => {
    const taskId = taskWithTwoRuns();
    fake.queue.addArtifact(taskId, 'public/report', { storageType: 'reference', url: 'https://reports.example.com/r/1' });
    const answer = await queue.latestArtifact(taskId, 'public/report');
    assertSchema('artifact-content-response', answer);
    assert.deepEqual(answer, { storageType: 'reference', url: 'https://reports.example.com/r/1' });
    const raw = await fetch(queue.buildSignedUrl(queue.getLatestArtifact, taskId, 'public/report'), { redirect: 'manual' });
    assert.deepEqual([raw.status, raw.headers.get('location')], [303, 'https://reports.example.com/r/1']);
  });

  it('error: artifact answers the reason; getArtifact is 424 with it, as the queue answers', async () => {
    const taskId = taskWithTwoRuns();
    fake.queue.addArtifact(taskId, 'public/missing.log', { storageType: 'error', reason: 'file-missing-on-worker', message: 'no such file' });
    const answer = await queue.latestArtifact(taskId, 'public/missing.log');
    assertSchema('artifact-content-response', answer);
    assert.deepEqual(answer, { storageType: 'error', reason: 'file-missing-on-worker', message: 'no such file' });
    await assert.rejects(queue.getLatestArtifact(taskId, 'public/missing.log'), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      assert.equal(error.statusCode, 424);
      assert.deepEqual(error.body, { reason: 'file-missing-on-worker', message: 'no such file' });
      return true;
    });
  });

  it('an expired artifact is listed but not downloadable: 410 ResourceExpired', async () => {
    const taskId = taskWithTwoRuns();
    fake.queue.addArtifact(taskId, 'public/old.log', { content: 'x', expires: new Date(Date.now() - 1000) });
    assert.equal((await queue.listLatestArtifacts(taskId)).artifacts.length, 1);
    await rejectsWith(queue.latestArtifact(taskId, 'public/old.log'), 410, 'ResourceExpired');
    await rejectsWith(queue.getLatestArtifact(taskId, 'public/old.log'), 410, 'ResourceExpired');
  });

  it('addArtifact refuses bad input, naming the field and rule', () => {
    const taskId = taskWithTwoRuns();
    const refuses = (artifact: unknown, message: RegExp, name = 'public/x') =>
      assert.throws(() => fake.queue.addArtifact(taskId, name, artifact as never), (error: unknown) => error instanceof TypeError && message.test(error.message));
    refuses({ content: 'x', runId: 2 }, /runId must be one of the task's runs \(0 to 1\), got 2/);
    refuses({ content: 'x' }, /name must be a string of 1 to 1024 characters/, '');
    refuses({ content: 42 }, /content must be a string or a Buffer/);
    refuses({ storageType: 'reference', url: 'not a url' }, /url must be an absolute URL/);
    refuses({ storageType: 'error', reason: 'lost', message: 'm' }, /reason must be one of file-missing-on-worker/);
    refuses({ storageType: 'link', artifact: 'public/y' }, /storageType must be s3, object, reference or error, got link/);
    refuses({ content: 'x', expires: 'someday' }, /expires must be a Date or an ISO 8601 date-time/);
    assert.throws(() => fake.queue.addArtifact(slugid(), 'public/x', { content: 'x' }), /no task .*; add it with addTask first/);
  });
});
