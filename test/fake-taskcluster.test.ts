/**
 * The fake Taskcluster deployment of the test kit: through the REST client
 * (as a bot uses it) and with raw requests signed here with hawk's client
 * side, so its authentication is shown to refuse what a real service refuses.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import hawk from 'hawk';
import {
  createTemporaryCredentials,
  fetchClients,
  Queue,
  QueueEvents,
  slugid,
  TaskclusterError,
  type QueueTypes,
} from '../src/index.js';
import { PulsePublisher, startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';

const MINUTE = 60_000;
let fake: FakeTaskcluster;
let queue: Queue;

before(async () => {
  fake = await startFakeTaskcluster({ clients: { 'second-client': 'second-client-token-9Qx' } });
  queue = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, retries: 0 });
});
after(() => fake.close());

const newId = () => slugid();

/** Rejects with a TaskclusterError with this status and code. */
async function rejectsWith(promise: Promise<unknown>, statusCode: number, code: string, message?: RegExp): Promise<TaskclusterError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof TaskclusterError, String(caught));
  assert.equal(caught.statusCode, statusCode, caught.message);
  assert.equal(caught.code, code);
  if (message) assert.match(caught.message, message);
  return caught;
}

function createRequest(overrides: Partial<QueueTypes.CreateTaskRequest> = {}): QueueTypes.CreateTaskRequest {
  const now = Date.now();
  return {
    taskQueueId: 'proj-x/linux',
    created: new Date(now).toJSON(),
    deadline: new Date(now + 60 * MINUTE).toJSON(),
    metadata: { name: 'lint', description: 'lint it', owner: 'dev@example.com', source: 'https://example.com/ci' },
    payload: { command: ['true'] },
    ...overrides,
  };
}

describe('fake queue through the REST client', () => {
  it('answers task and status for a task added by the test, with the queue\'s defaults', async () => {
    const taskId = newId();
    fake.queue.addTask(taskId, { metadata: { name: 'build', description: 'd', owner: 'me@example.com', source: 'https://x.example' } });
    const task = await queue.task(taskId);
    assert.equal(task.metadata.name, 'build');
    assert.equal(task.taskGroupId, taskId);
    assert.equal(task.schedulerId, '-');
    assert.equal(task.taskQueueId, `${task.provisionerId}/${task.workerType}`);
    assert.deepEqual([task.routes, task.priority, task.retries], [[], 'lowest', 5]);
    const { status } = await queue.status(taskId);
    assert.equal(status.state, 'pending');
    assert.deepEqual(status.runs.map((r) => [r.runId, r.state, r.reasonCreated]), [[0, 'pending', 'scheduled']]);
  });

  it('resolveTask completes the run and returns what the queue publishes for it', async () => {
    const taskId = newId();
    const group = newId();
    fake.queue.addTask(taskId, { taskGroupId: group, taskQueueId: 'proj-x/gpu', routes: ['index.x'] });
    const { fields, payload, routes } = fake.queue.resolveTask(taskId, 'completed', { workerGroup: 'us-east-1', workerId: 'i-1' });
    assert.deepEqual([payload.version, payload.runId, payload.workerGroup, payload.workerId], [1, 0, 'us-east-1', 'i-1']);
    assert.equal(payload.status.state, 'completed');
    assert.deepEqual(fields, {
      taskId,
      runId: 0,
      workerGroup: 'us-east-1',
      workerId: 'i-1',
      provisionerId: 'proj-x',
      workerType: 'gpu',
      schedulerId: '-',
      taskGroupId: group,
    });
    assert.deepEqual(routes, ['index.x']);
    const { status } = await queue.status(taskId);
    assert.deepEqual(status, payload.status);
    assert.equal(status.runs[0]!.reasonResolved, 'completed');
    // A second resolution is a new run.
    assert.equal(fake.queue.resolveTask(taskId, 'exception').payload.runId, 1);
    assert.deepEqual((await queue.status(taskId)).status.runs.map((r) => [r.state, r.reasonCreated, r.reasonResolved]), [
      ['completed', 'scheduled', 'completed'],
      ['exception', 'rerun', 'internal-error'],
    ]);
  });

  it('resolveTask\'s message is valid for the publisher (schema and routing key)', async () => {
    const taskId = newId();
    fake.queue.addTask(taskId, { routes: ['index.proj-x.latest'] });
    const publisher = new PulsePublisher({ url: 'memory://fake-taskcluster-test' });
    try {
      const published = await publisher.publish(QueueEvents, 'taskFailed', fake.queue.resolveTask(taskId, 'failed'));
      assert.match(published.routingKey, new RegExp(`^primary\\.${taskId}\\.0\\.fake-worker-group\\.fake-worker-1\\.fake-provisioner\\.fake-worker\\.-\\.${taskId}\\._$`));
      assert.deepEqual(published.cc, ['route.index.proj-x.latest']);
    } finally {
      await publisher.close();
    }
  });

  it('a task that does not exist is 404 ResourceNotFound in the Taskcluster error shape', async () => {
    const error = await rejectsWith(queue.task('noSuchTaskxxxxxxxxxxxx'), 404, 'ResourceNotFound', /does not correspond to a task/);
    const body = error.body as { requestInfo?: { method?: string; params?: unknown } };
    assert.equal(body.requestInfo?.method, 'task');
    assert.deepEqual(body.requestInfo?.params, { taskId: 'noSuchTaskxxxxxxxxxxxx' });
  });

  it('createTask stores the task (idempotently) and refuses a conflicting one with 409', async () => {
    const taskId = newId();
    const request = createRequest({ routes: ['index.proj-x.lint'] });
    const { status } = await queue.createTask(taskId, request);
    assert.deepEqual([status.taskId, status.state, status.provisionerId, status.workerType], [taskId, 'pending', 'proj-x', 'linux']);
    assert.deepEqual((await queue.task(taskId)).routes, ['index.proj-x.lint']);
    assert.deepEqual(fake.queue.task(taskId)?.metadata, request.metadata);
    await queue.createTask(taskId, request); // same again: fine
    await rejectsWith(queue.createTask(taskId, { ...request, retries: 1 }), 409, 'RequestConflict');
  });

  it('createTask checks the request against the schema (400 naming the field) and the queue\'s rules', async () => {
    await rejectsWith(queue.createTask(newId(), createRequest({ deadline: 'tomorrow' })), 400, 'InputValidationError', /\/deadline must match format "date-time"/);
    await rejectsWith(queue.createTask(newId(), { ...createRequest(), colour: 'red' } as never), 400, 'InputValidationError', /must not have property "colour"/);
    const { taskQueueId: _, ...noQueue } = createRequest();
    await rejectsWith(queue.createTask(newId(), noQueue), 400, 'InputError', /taskQueueId, or provisionerId and workerType/);
    await rejectsWith(queue.createTask(newId(), createRequest({ provisionerId: 'other' })), 400, 'InputError', /does not match/);
    const early = createRequest({ expires: new Date(Date.now() + 1000).toJSON() });
    await rejectsWith(queue.createTask(newId(), early), 400, 'InputError', /expires cannot be before deadline/);
    await rejectsWith(queue.createTask('not-a-slug', createRequest()), 400, 'InvalidRequestArguments', /taskId must be a slugid/);
  });

  it('a task with dependencies starts unscheduled, without runs', async () => {
    const taskId = newId();
    await queue.createTask(taskId, createRequest({ dependencies: [newId()] }));
    const { status } = await queue.status(taskId);
    assert.deepEqual([status.state, status.runs], ['unscheduled', []]);
  });

  it('listTaskGroup pages with continuationToken; an unknown group is 404', async () => {
    const group = newId();
    const ids = [newId(), newId(), newId(), newId(), newId()];
    for (const taskId of ids) fake.queue.addTask(taskId, { taskGroupId: group });
    const seen: string[] = [];
    for await (const { status } of queue.items(queue.listTaskGroup, group, { limit: 2 })) seen.push(status.taskId);
    assert.deepEqual(seen, ids);
    const first = await queue.listTaskGroup(group, { limit: 2 });
    assert.equal(first.tasks.length, 2);
    assert.ok(first.continuationToken);
    const last = await queue.listTaskGroup(group, { limit: 2, continuationToken: '4' });
    assert.equal(last.tasks.length, 1);
    assert.equal(last.continuationToken, undefined);
    await rejectsWith(queue.listTaskGroup(newId()), 404, 'ResourceNotFound', /No task-group/);
  });

  it('getLatestArtifact answers 303 to where the content is served; a missing one is 404', async () => {
    const taskId = newId();
    fake.queue.addTask(taskId);
    fake.queue.resolveTask(taskId, 'completed');
    fake.queue.addArtifact(taskId, 'public/logs/live.log', { content: 'all good\n' });
    const answer = (await queue.getLatestArtifact(taskId, 'public/logs/live.log')) as { storageType: string; url: string };
    assert.equal(answer.storageType, 's3');
    const download = await fetch(answer.url);
    assert.equal(download.status, 200);
    assert.equal(await download.text(), 'all good\n');
    // A signed URL (bewit) follows the redirect to the content, as in a browser.
    const signed = await fetch(queue.buildSignedUrl(queue.getArtifact, taskId, 0, 'public/logs/live.log'));
    assert.equal(await signed.text(), 'all good\n');
    await rejectsWith(queue.getLatestArtifact(taskId, 'public/other.log'), 404, 'ResourceNotFound', /Artifact not found/);
  });

  it('methods it does not fake are 404 NotFaked naming the method; override() answers them', async () => {
    await rejectsWith(queue.pendingTasks('proj-x/linux'), 404, 'NotFaked', /queue\.pendingTasks is not implemented by the fake/);
    const remove = fake.override('queue.pendingTasks', (call) => ({
      status: 200,
      body: { taskQueueId: call.params.taskQueueId, provisionerId: 'proj-x', workerType: 'linux', pendingTasks: 7 },
    }));
    assert.equal((await queue.pendingTasks('proj-x/linux')).pendingTasks, 7);
    remove();
    await rejectsWith(queue.pendingTasks('proj-x/linux'), 404, 'NotFaked');
  });

  it('override() can make a faked method fail, and falls through when it answers undefined', async () => {
    const taskId = newId();
    fake.queue.addTask(taskId);
    let failures = 1;
    const remove = fake.override('queue.task', () => (failures-- > 0 ? { status: 500, body: { code: 'InternalServerError', message: 'boom' } } : undefined));
    const retrying = new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials, delayFactor: 1, randomizationFactor: 0 });
    assert.equal((await retrying.task(taskId)).taskGroupId, taskId);
    remove();
    const calls = fake.calls.filter((c) => c.api === 'queue.task' && c.params.taskId === taskId);
    assert.deepEqual(calls.map((c) => c.status), [500, 200]);
    assert.throws(() => fake.override('task' as never, () => undefined), /api must be "<service>\.<method>"/);
    assert.throws(() => fake.override('queue.tsk' as never, () => undefined), /api must be a method of the API references .*; there is no queue\.tsk/);
  });

  it('records each call with its method name, arguments and caller', async () => {
    const taskId = newId();
    fake.queue.addTask(taskId);
    await queue.status(taskId);
    const call = fake.calls.at(-1)!;
    assert.deepEqual([call.api, call.params, call.status], ['queue.status', { taskId }, 200]);
    assert.ok(call.auth.scheme === 'hawk' && call.auth.clientId === fake.credentials.clientId);
  });

  it('serves its references, so fetchClients builds clients for it', async () => {
    const clients = await fetchClients(fake.rootUrl, { credentials: fake.credentials, services: ['queue'] });
    const taskId = newId();
    fake.queue.addTask(taskId, { metadata: { name: 'dynamic', description: 'd', owner: 'o@example.com', source: 'https://x.example' } });
    const task = (await clients.queue!.task!(taskId)) as QueueTypes.Task;
    assert.equal(task.metadata.name, 'dynamic');
  });

  it('accepts temporary credentials, named or not, issued by any client it knows', async () => {
    const taskId = newId();
    fake.queue.addTask(taskId);
    for (const clientId of [undefined, 'my-bot/worker-1']) {
      const temporary = createTemporaryCredentials({ clientId, scopes: ['queue:get-task:*'], expiry: new Date(Date.now() + 10 * MINUTE), credentials: fake.credentials });
      const tempQueue = new Queue({ rootUrl: fake.rootUrl, credentials: temporary, retries: 0 });
      assert.equal((await tempQueue.task(taskId)).taskGroupId, taskId);
      const auth = fake.calls.at(-1)!.auth;
      assert.ok(auth.scheme === 'hawk');
      assert.deepEqual([auth.clientId, auth.issuer, auth.temporary], [clientId ?? fake.credentials.clientId, fake.credentials.clientId, true]);
    }
  });
});

describe('fake Taskcluster authentication, with raw requests', () => {
  const taskId = slugid();
  const url = () => `${fake.rootUrl}/api/queue/v1/task/${taskId}`;
  before(() => fake.queue.addTask(taskId));

  /** A GET signed here with hawk's client side. */
  const signedGet = (credentials: { id: string; key: string }, options: { ext?: string; localtimeOffsetMsec?: number } = {}) => {
    const { header } = hawk.client.header(url(), 'GET', { credentials: { ...credentials, algorithm: 'sha256' }, ...options });
    return fetch(url(), { headers: { authorization: header } });
  };
  const permanent = () => ({ id: fake.credentials.clientId, key: fake.credentials.accessToken });
  const extOf = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64');

  /** A certificate made from the wire rules, independently of the package's createTemporaryCredentials. */
  function certificate(issuerToken: string, overrides: Partial<{ start: number; expiry: number; scopes: string[] }> = {}) {
    const now = Date.now();
    const cert = { version: 1, scopes: ['queue:get-task:*'], start: now - MINUTE, expiry: now + 30 * MINUTE, seed: 'S'.repeat(44), signature: '', ...overrides };
    const lines = ['version:1', `seed:${cert.seed}`, `start:${cert.start}`, `expiry:${cert.expiry}`, 'scopes:', ...cert.scopes];
    cert.signature = createHmac('sha256', issuerToken).update(lines.join('\n')).digest('base64');
    const accessToken = createHmac('sha256', issuerToken).update(cert.seed).digest('base64url');
    return { cert, accessToken };
  }

  async function refused(response: Response, reason: RegExp): Promise<void> {
    assert.equal(response.status, 401);
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(body.code, 'AuthenticationFailed');
    assert.match(body.message, reason);
    assert.match(fake.refusals.at(-1)!.reason, reason);
  }

  it('a correctly signed request is answered', async () => {
    const response = await signedGet(permanent());
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { taskGroupId: string }).taskGroupId, taskId);
  });

  it('a bad signature is 401', async () => {
    await refused(await signedGet({ id: fake.credentials.clientId, key: 'wrong-key' }), /Bad mac/);
  });

  it('an unknown client is 401', async () => {
    await refused(await signedGet({ id: 'nobody', key: 'x' }), /client nobody not found/);
  });

  it('a replayed request (same nonce) is 401', async () => {
    const { header } = hawk.client.header(url(), 'GET', { credentials: { ...permanent(), algorithm: 'sha256' } });
    assert.equal((await fetch(url(), { headers: { authorization: header } })).status, 200);
    await refused(await fetch(url(), { headers: { authorization: header } }), /Invalid nonce/);
  });

  it('allows 15 minutes of clock skew, not more', async () => {
    assert.equal((await signedGet(permanent(), { localtimeOffsetMsec: -14 * MINUTE })).status, 200);
    assert.equal((await signedGet(permanent(), { localtimeOffsetMsec: 14 * MINUTE })).status, 200);
    await refused(await signedGet(permanent(), { localtimeOffsetMsec: -16 * MINUTE }), /Stale timestamp/);
  });

  it('a valid bewit is answered; an expired or altered one is 401', async () => {
    const credentials = { ...permanent(), algorithm: 'sha256' as const };
    const bewit = hawk.uri.getBewit(url(), { credentials, ttlSec: 60, localtimeOffsetMsec: 0 });
    assert.equal((await fetch(`${url()}?bewit=${bewit}`)).status, 200);
    const expired = hawk.uri.getBewit(url(), { credentials, ttlSec: 60, localtimeOffsetMsec: -2 * MINUTE });
    await refused(await fetch(`${url()}?bewit=${expired}`), /Access expired/);
    // The same bewit on another task's URL.
    await refused(await fetch(`${fake.rootUrl}/api/queue/v1/task/other?bewit=${bewit}`), /Bad mac/);
    // Bewits are for GET (and HEAD) only.
    await refused(await fetch(`${url()}?bewit=${bewit}`, { method: 'PUT', body: '{}' }), /Invalid method/);
  });

  it('temporary credentials made by hand from the wire rules are accepted', async () => {
    const { cert, accessToken } = certificate(fake.credentials.accessToken);
    const response = await signedGet({ id: fake.credentials.clientId, key: accessToken }, { ext: extOf({ certificate: cert }) });
    assert.equal(response.status, 200);
    const auth = fake.requests.at(-1)!.auth;
    assert.ok(auth.scheme === 'hawk' && auth.temporary);
  });

  it('a tampered, expired, too long or foreign certificate is 401', async () => {
    const { cert, accessToken } = certificate(fake.credentials.accessToken);
    const sign = (c: object, key = accessToken) => signedGet({ id: fake.credentials.clientId, key }, { ext: extOf({ certificate: c }) });
    await refused(await sign({ ...cert, scopes: ['*'] }), /signature is not valid/);
    const expired = certificate(fake.credentials.accessToken, { start: Date.now() - 60 * MINUTE, expiry: Date.now() - 10 * MINUTE });
    await refused(await sign(expired.cert, expired.accessToken), /expiry < now/);
    const long = certificate(fake.credentials.accessToken, { expiry: Date.now() + 32 * 24 * 60 * MINUTE });
    await refused(await sign(long.cert, long.accessToken), /longer than 31 days/);
    // Signed with another client's token, presented under this clientId.
    const foreign = certificate('second-client-token-9Qx');
    await refused(await sign(foreign.cert, foreign.accessToken), /signature is not valid/);
    // The right certificate but the issuer's own access token instead of the derived one.
    await refused(await sign(cert, fake.credentials.accessToken), /Bad mac/);
  });

  it('a malformed ext is 401', async () => {
    await refused(await signedGet(permanent(), { ext: 'not base64 json' }), /Failed to parse ext/);
    await refused(await signedGet(permanent(), { ext: extOf({ authorizedScopes: 'queue:*' }) }), /authorizedScopes must be an array/);
  });

  it('anonymous requests get through (scopes are not checked)', async () => {
    assert.equal((await fetch(url())).status, 200);
    assert.equal(fake.requests.at(-1)!.auth.scheme, 'none');
  });

  it('an unknown route is 404 with a Taskcluster-style body', async () => {
    for (const path of ['/api/queue/v1/no/such/route', '/api/nosuchservice/v1/ping', '/elsewhere']) {
      const response = await fetch(fake.rootUrl + path);
      assert.equal(response.status, 404, path);
      const body = (await response.json()) as { code: string; message: string };
      assert.equal(body.code, 'ResourceNotFound');
      assert.match(body.message, /No such API endpoint/);
    }
  });

  it('a body that is not JSON is 400', async () => {
    const response = await fetch(`${fake.rootUrl}/api/queue/v1/task/${taskId}`, { method: 'PUT', body: '{not json' });
    assert.equal(response.status, 400);
  });
});

describe('fake Taskcluster lifecycle', () => {
  it('close() stops it: later requests fail to connect', async () => {
    const other = await startFakeTaskcluster();
    assert.notEqual(other.rootUrl, fake.rootUrl);
    assert.notEqual(other.credentials.accessToken, fake.credentials.accessToken);
    const alive = await fetch(`${other.rootUrl}/api/queue/v1/ping`);
    assert.equal(alive.status, 200);
    await other.close();
    await assert.rejects(fetch(`${other.rootUrl}/api/queue/v1/ping`), /fetch failed/);
  });

  it('addTask refuses a duplicate id and a definition the queue would refuse', () => {
    const taskId = newId();
    fake.queue.addTask(taskId);
    assert.throws(() => fake.queue.addTask(taskId), /task .* exists already/);
    assert.throws(() => fake.queue.addTask(newId(), { deadline: 'soon' }), /\/deadline must match format/);
    // The queue's routes take slugids only: a fake that stored another would answer what no deployment answers.
    assert.throws(() => fake.queue.addTask('my-task'), /FakeQueue\.addTask: taskId must be a slugid \(.*\), got "my-task"/);
    assert.throws(() => fake.queue.resolveTask('missing', 'completed'), /no task missing; add it with addTask first/);
  });
});
