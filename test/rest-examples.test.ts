import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { Queue, slugid, type QueueTypes } from '../src/index.js';
import { REPO } from './support/project-references.js';
import { deployment, fakeQueue } from './support/rest-deployment.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

const TSX = join(REPO, 'node_modules/.bin/tsx');

/**
 * The REST examples (quoted in docs/rest.md) run as a user would run them:
 * a separate process configured by TASKCLUSTER_* variables, here pointing at the
 * Hawk-verifying stand-in deployment.
 */
describe('REST examples run against a stand-in deployment', () => {
  const server = useHawkServer(deployment(fakeQueue()));
  const run = async (example: string, ...args: string[]): Promise<string[]> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TASKCLUSTER_ROOT_URL: server.current.rootUrl,
      TASKCLUSTER_CLIENT_ID: ISSUER.clientId,
      TASKCLUSTER_ACCESS_TOKEN: ISSUER.accessToken,
    };
    delete env.TASKCLUSTER_PROXY_URL;
    const { stdout } = await promisify(execFile)(TSX, [`examples/${example}`, ...args], { cwd: REPO, env, timeout: 30_000 });
    return stdout.trimEnd().split('\n');
  };
  const createTask = async (taskId: string, name: string, taskGroupId = taskId) => {
    const queue = new Queue({ rootUrl: server.current.rootUrl, credentials: ISSUER });
    const metadata = { name, description: 'd', owner: 'o@example.com', source: 'https://example.com' };
    const task: QueueTypes.CreateTaskRequest = { taskGroupId, created: 'now', deadline: 'later', metadata, payload: {} };
    await queue.createTask(taskId, task);
  };

  it('rest-calls.ts creates a task and reads it back', async () => {
    server.reset();
    assert.deepEqual(await run('rest-calls.ts'), ['pending', 'lint']);
    const [create, read] = server.current.requests;
    assert.equal(create!.method, 'PUT');
    assert.equal(read!.path, create!.path);
    assert.equal(server.current.refusals.length, 0);
  });

  it('rest-signed-urls.ts builds a URL and fetches a signed one', async () => {
    server.reset();
    const lines = await run('rest-signed-urls.ts', 'T1');
    assert.deepEqual(lines, [`${server.current.rootUrl}/api/queue/v1/task/T1/artifacts/public%2Flogs%2Flive.log`, '200']);
    assert.equal(server.current.requests[0]!.auth.scheme, 'bewit');
  });

  it('rest-temporary-credentials.ts calls and signs with named temporary credentials', async () => {
    const taskId = slugid();
    await createTask(taskId, 'checked with temporary credentials');
    server.reset();
    const name = 'checked with temporary credentials';
    assert.deepEqual(await run('rest-temporary-credentials.ts', taskId), ['my-bot/worker-1', name, '200', name]);
    const auths = server.current.requests.map((r) => r.auth);
    assert.deepEqual(
      auths.map((a) => a.scheme !== 'none' && [a.scheme, a.clientId, a.issuer, a.temporary]),
      [
        ['hawk', 'my-bot/worker-1', ISSUER.clientId, true],
        ['bewit', 'my-bot/worker-1', ISSUER.clientId, true],
        ['hawk', 'my-bot/worker-1', ISSUER.clientId, true],
      ],
    );
  });

  it('rest-pagination.ts walks a task group by items and by pages', async () => {
    const group = slugid();
    const ids = [slugid(), slugid(), slugid()];
    for (const [i, id] of ids.entries()) await createTask(id, `task ${i}`, group);
    server.reset();
    assert.deepEqual(await run('rest-pagination.ts', group), [
      ...ids.map((id, i) => `${id} pending task ${i}`),
      'page 1: 2 tasks',
      'page 2: 1 tasks',
    ]);
    assert.equal(server.current.requests.length, 4);
  });

  it('rest-errors.ts shows TaskclusterError, ApiArgumentError and use()', async () => {
    server.reset();
    const lines = await run('rest-errors.ts');
    assert.equal(lines[0], '404 ResourceNotFound queue.task 1');
    assert.match(lines[1]!, /^queue\.listTaskGroup \(query\.limt\): is not a query parameter of this method; it takes continuationToken, limit$/);
    assert.equal(lines[2], 'true');
    assert.equal(server.current.requests.length, 1, 'the bad query never left the process');
  });

  it('rest-any-api.ts builds clients from the deployment\'s references', async () => {
    server.reset();
    const root = server.current.rootUrl;
    assert.deepEqual(await run('rest-any-api.ts'), [`${root}/api/queue/v1/task/abc`, `${root}/api/secrets/v1/secret/project%2Fbot%2Ftoken`]);
  });
});
