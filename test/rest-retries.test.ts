import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { Queue, TaskclusterError } from '../src/index.js';
import { DEFAULT_OPTIONS } from '../src/rest/index.js';
import { backoffDelay } from '../src/rest/backoff.js';
import { sendJson, type Handler } from './support/hawk-server.js';
import { FAST_RETRIES, ISSUER, useHawkServer } from './support/rest-fixtures.js';

/** Fails the first `failures` requests with `fail`, then answers `{ok: n}`. */
function failThenSucceed(failures: number, fail: Handler): Handler {
  let seen = 0;
  return (request, response) => (++seen <= failures ? fail(request, response) : sendJson(response, 200, { ok: seen }));
}

const stall: Handler = () => undefined; // never answers; the server closes the socket at the end
const reset: Handler = (_request, response) => void response.socket?.destroy();
const serverError: Handler = (_request, response) => sendJson(response, 500, { code: 'InternalServerError', message: 'database down' });

describe('retries', () => {
  const server = useHawkServer();
  const queue = (extra: object = {}) =>
    new Queue({ rootUrl: server.current.rootUrl, credentials: ISSUER, ...FAST_RETRIES, ...extra });

  const recovered: [string, Handler, object][] = [
    ['5xx answers', serverError, {}],
    ['connections reset before an answer', reset, {}],
    ['a response stalled past the timeout', stall, { timeout: 150 }],
    [
      'a body stalled past the timeout',
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"partial":');
      },
      { timeout: 150 },
    ],
  ];
  for (const [what, fail, extra] of recovered) {
    it(`retries ${what}, each attempt freshly signed, until one succeeds`, async () => {
      const { requests } = server.reset(failThenSucceed(2, fail));
      assert.deepEqual(await queue(extra).task('t'), { ok: 3 });
      assert.equal(requests.length, 3);
      // The server refuses a reused nonce; the headers differ in timestamp or nonce.
      assert.equal(new Set(requests.map((r) => r.headers.authorization)).size, 3);
    });
  }

  it('retries a POST too (the payload is sent again)', async () => {
    const { requests } = server.reset(failThenSucceed(1, reset));
    await queue().tasks({ taskIds: ['a'] });
    assert.deepEqual(
      requests.map((r) => r.body),
      [{ taskIds: ['a'] }, { taskIds: ['a'] }],
    );
  });

  for (const status of [400, 401, 403, 404, 409, 424]) {
    it(`never retries a ${status}`, async () => {
      const { requests } = server.reset((_request, response) => sendJson(response, status, { code: `Code${status}`, message: `answer ${status}` }));
      await assert.rejects(queue().task('t'), (error: unknown) => {
        assert.ok(error instanceof TaskclusterError);
        assert.equal(error.statusCode, status);
        assert.equal(error.code, `Code${status}`);
        assert.equal(error.attempts, 1);
        return true;
      });
      assert.equal(requests.length, 1);
    });
  }

  it('gives up after `retries` retries with the last error, fully described', async () => {
    const { requests } = server.reset(serverError);
    await assert.rejects(queue({ retries: 2 }).listTaskGroup('g/1', { limit: 2 }), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      assert.equal(error.name, 'TaskclusterError');
      assert.equal(error.method, 'queue.listTaskGroup');
      assert.equal(error.url, `${server.current.rootUrl}/api/queue/v1/task-group/g%2F1/list?limit=2`);
      assert.equal(error.statusCode, 500);
      assert.equal(error.code, 'InternalServerError');
      assert.deepEqual(error.body, { code: 'InternalServerError', message: 'database down' });
      assert.equal(error.attempts, 3);
      assert.match(error.message, /^queue\.listTaskGroup failed \(HTTP 500, InternalServerError, 3 attempts\): database down \[http:/);
      return true;
    });
    assert.equal(requests.length, 3);
  });

  it('retries 5 times by default', async () => {
    assert.equal(DEFAULT_OPTIONS.retries, 5);
    const { requests } = server.reset(serverError);
    await assert.rejects(queue().task('t'), (error: unknown) => error instanceof TaskclusterError && error.attempts === 6);
    assert.equal(requests.length, 6);
  });

  it('reports network failures with their code and no status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = new Queue({ rootUrl: `http://127.0.0.1:${port}`, ...FAST_RETRIES, retries: 1 });
    await assert.rejects(client.task('t'), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      assert.equal(error.statusCode, undefined);
      assert.equal(error.code, 'ECONNREFUSED');
      assert.equal(error.attempts, 2);
      assert.match(error.message, /no response, ECONNREFUSED/);
      return true;
    });
  });

  it('a timeout is code ECONNABORTED', async () => {
    server.reset(stall);
    await assert.rejects(queue({ timeout: 50, retries: 0 }).task('t'), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      assert.equal(error.code, 'ECONNABORTED');
      assert.match(error.message, /no complete response within 50 ms/);
      return true;
    });
  });

  it('an answer that is not valid JSON fails without retrying', async () => {
    const { requests } = server.reset((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"truncated": ');
    });
    await assert.rejects(queue().task('t'), (error: unknown) => error instanceof TaskclusterError && error.code === 'InvalidResponse' && error.statusCode === 200);
    assert.equal(requests.length, 1);
  });

  it('errors never carry the access token or the Authorization header, even when the server echoes them', async () => {
    server.reset((request, response) =>
      sendJson(response, 400, {
        code: 'Echo',
        message: `you sent ${request.headers.authorization} (token ${ISSUER.accessToken})`,
        requestInfo: { headers: request.headers },
      }),
    );
    await assert.rejects(queue().task('t'), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      const everything = [error.message, error.stack, inspect(error, { depth: 10 }), JSON.stringify(error), JSON.stringify(error.body)].join('\n');
      assert.doesNotMatch(everything, new RegExp(ISSUER.accessToken));
      assert.doesNotMatch(everything, /Hawk id=|mac="/);
      assert.match(error.message, /you sent \[redacted\] \(token \[redacted\]\)/);
      return true;
    });
  });
});

describe('backoff', () => {
  const options = { delayFactor: 100, randomizationFactor: 0.25, maxDelay: 30_000 };
  it('is min(2^attempt * delayFactor * U[1-r, 1+r], maxDelay), attempts counted from 1', () => {
    assert.equal(backoffDelay(1, options, () => 0), 150);
    assert.equal(backoffDelay(1, options, () => 0.5), 200);
    assert.equal(backoffDelay(1, options, () => 1), 250);
    assert.equal(backoffDelay(5, options, () => 0.5), 3200);
    assert.equal(backoffDelay(10, options, () => 0.5), 30_000);
    assert.equal(backoffDelay(3, { ...options, randomizationFactor: 0 }, Math.random), 800);
  });

  it('has the official defaults', () => {
    assert.deepEqual(DEFAULT_OPTIONS, { timeout: 30_000, retries: 5, delayFactor: 100, randomizationFactor: 0.25, maxDelay: 30_000 });
  });
});
