import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';
import { sendJson } from './support/hawk-server.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

/** Runs the built binary asynchronously (the test server lives in this process). */
function tcPulse(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'dist/cli/main.js'), ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('tc-pulse call and signed-url (Hawk-verifying server)', () => {
  const server = useHawkServer();
  const env = () => ({
    TASKCLUSTER_ROOT_URL: server.current.rootUrl,
    TASKCLUSTER_CLIENT_ID: ISSUER.clientId,
    TASKCLUSTER_ACCESS_TOKEN: ISSUER.accessToken,
  });

  it('call signs the request and prints the answer as JSON', async () => {
    server.reset((request, response) => sendJson(response, 200, { taskId: request.path.split('/').pop(), got: request.method }));
    const result = await tcPulse(['call', 'queue.task', 'abc/def'], env());
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { taskId: 'abc%2Fdef', got: 'GET' });
    const [request] = server.current.requests;
    assert.equal(request?.path, '/api/queue/v1/task/abc%2Fdef');
    assert.equal(request?.auth.scheme, 'hawk');
    assert.equal(request?.auth.scheme === 'hawk' && request.auth.clientId, ISSUER.clientId);
  });

  it('call sends --payload (inline, @file or stdin) and --query', async () => {
    server.reset();
    const inline = await tcPulse(['call', 'hooks.triggerHook', 'group', 'hook', '--payload', '{"a":1}'], env());
    assert.equal(inline.code, 0, inline.stderr);
    assert.deepEqual(JSON.parse(inline.stdout), {
      method: 'POST', path: '/api/hooks/v1/hooks/group/hook/trigger', query: {}, body: { a: 1 }, clientId: ISSUER.clientId,
    });
    const fromStdin = await tcPulse(['call', 'hooks.triggerHook', 'group', 'hook', '--payload', '-'], env(), '{"b":2}');
    assert.deepEqual(JSON.parse(fromStdin.stdout).body, { b: 2 });
    const fromFile = await tcPulse(['call', 'hooks.triggerHook', 'g', 'h', '--payload', `@${join(REPO, 'package.json')}`], env());
    assert.equal(JSON.parse(fromFile.stdout).body.name, 'taskcluster-pulse');
    const listed = await tcPulse(['call', 'queue.listTaskGroup', 'G', '--query', 'limit=5'], env());
    assert.deepEqual(JSON.parse(listed.stdout).query, { limit: '5' });
  });

  it('an API error exits 1 with the status and message, and no secret', async () => {
    server.reset((_request, response) => sendJson(response, 404, { code: 'ResourceNotFound', message: 'no such task' }));
    const result = await tcPulse(['call', 'queue.task', 'missing'], env());
    assert.equal(result.code, 1);
    assert.match(result.stderr, /404/);
    assert.match(result.stderr, /ResourceNotFound|no such task/);
    assert.doesNotMatch(result.stderr + result.stdout, new RegExp(ISSUER.accessToken));
  });

  it('stderr shows no MAC or token when the server echoes the Authorization header (raw and URL-encoded)', async () => {
    const macs: string[] = [];
    server.reset((request, response) => {
      const authorization = request.headers.authorization!;
      macs.push(/mac="([^"]+)"/.exec(authorization)![1]!);
      const echoed = `raw ${authorization} encoded ${encodeURIComponent(authorization)} token ${encodeURIComponent(ISSUER.accessToken)}`;
      sendJson(response, 401, { code: 'AuthenticationFailed', message: echoed });
    });
    const result = await tcPulse(['call', 'queue.task', 'abc'], env());
    assert.equal(result.code, 1);
    assert.match(result.stderr, /401, AuthenticationFailed/);
    assert.equal(macs.length, 1);
    for (const secret of [macs[0]!, ISSUER.accessToken]) {
      for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!(result.stderr + result.stdout).includes(form), `${form} in ${result.stderr}`);
    }
  });

  it('stderr shows no password of a malformed --root-url', async () => {
    const result = await tcPulse(['call', 'queue.task', 'abc', '--root-url', 'https://bot:tok3n-s3cret@tc.example.com:99999'], env());
    assert.equal(result.code, 2);
    assert.match(result.stderr, /rootUrl.*must be an absolute http\(s\) URL/);
    assert.doesNotMatch(result.stderr, /tok3n-s3cret/);
  });

  it('bad input is refused before any request, with exit code 2', async () => {
    server.reset();
    const cases: [string[], RegExp][] = [
      [['call', 'queue.createTask', 'abc'], /needs --payload/],
      [['call', 'queue.task'], /taskId/],
      [['call', 'queue.task', 'a', 'b'], /argument/],
      [['call', 'queue.listTaskGroup', 'G', '--query', 'limt=5'], /limt/],
      [['call', 'queue.task', 'abc', '--payload', '{'], /--payload is not valid JSON/],
      [['call', 'queue.tsk', 'abc'], /queue has no method "tsk"/],
      [['signed-url', 'queue.createTask', 'abc'], /only for GET methods/],
      [['signed-url', 'queue.task', 'abc', '--expiration', 'soon'], /--expiration must be a positive number/],
    ];
    for (const [args, message] of cases) {
      const result = await tcPulse(args, env());
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.equal(server.current.requests.length, 0);
    const noRoot = await tcPulse(['call', 'queue.task', 'abc'], {});
    assert.equal(noRoot.code, 2);
    assert.match(noRoot.stderr, /TASKCLUSTER_ROOT_URL/);
  });

  it('signed-url prints a URL the server accepts without credentials', async () => {
    server.reset((_request, response) => sendJson(response, 200, { ok: true }));
    const result = await tcPulse(['signed-url', 'queue.getLatestArtifact', 'abc', 'public/build.log', '--expiration', '60'], env());
    assert.equal(result.code, 0, result.stderr);
    const url = result.stdout.trim();
    assert.match(url, /\/api\/queue\/v1\/task\/abc\/artifacts\/public%2Fbuild\.log\?bewit=/);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(server.current.requests.at(-1)?.auth.scheme, 'bewit');
  });
});
