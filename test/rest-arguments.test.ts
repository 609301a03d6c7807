import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiArgumentError, Queue, type ClientOptions } from '../src/index.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

type Loose = Record<string, (...args: unknown[]) => Promise<unknown>>;

describe('REST arguments are checked before any request', () => {
  const server = useHawkServer();
  const queue = () => new Queue({ rootUrl: server.current.rootUrl, credentials: ISSUER }) as unknown as Loose;

  const bad: [string, string, unknown[], string | undefined, RegExp][] = [
    ['no arguments', 'task', [], undefined, /expects \(taskId\) or \(\{taskId\}\); got 0 arguments/],
    ['one too many', 'task', ['a', 'b'], undefined, /expects \(taskId\) or \(\{taskId\}\); got 2 arguments/],
    ['an undefined route arg', 'task', [undefined], 'taskId', /is missing/],
    ['a null route arg', 'task', [null], 'taskId', /must be a string or number, got null/],
    ['an array route arg', 'getLatestArtifact', ['t', ['a']], 'name', /must be a string or number, got an array/],
    ['an empty route arg', 'task', [''], 'taskId', /must not be empty/],
    ['a NaN route arg', 'getArtifact', ['t', Number.NaN, 'n'], 'runId', /must be a finite number, got NaN/],
    ['a keyword missing', 'task', [{}], 'taskId', /is missing/],
    ['a keyword typo', 'task', [{ taskid: 'a' }], 'taskid', /is not an argument of this method; it takes \(taskId\) or \(\{taskId\}\)/],
    ['both forms mixed', 'getArtifact', [{ taskId: 't', runId: 0 }, 'n'], undefined, /either positional arguments or one keyword object, not both/],
    ['a missing payload', 'createTask', ['t'], undefined, /expects \(taskId, payload\) or \(\{taskId, payload\}\); got 1 argument$/],
    ['an undefined payload', 'createTask', ['t', undefined], 'payload', /is missing/],
    ['a missing keyword payload', 'createTask', [{ taskId: 't' }], 'payload', /is missing/],
    ['a payload for a method without one', 'task', [{ taskId: 't', payload: {} }], 'payload', /is not an argument of this method/],
    ['a query for a method without one', 'task', ['t', {}], undefined, /expects \(taskId\) or \(\{taskId\}\); got 2 arguments/],
    ['an unknown query key', 'listTaskGroup', ['g', { limt: 1 }], 'query.limt', /is not a query parameter of this method; it takes continuationToken, limit/],
    ['an unknown keyword query key', 'listTaskGroup', [{ taskGroupId: 'g', query: { limt: 1 } }], 'query.limt', /is not a query parameter/],
    ['a query value of the wrong type', 'listTaskGroup', ['g', { limit: { n: 1 } }], 'query.limit', /must be a string, finite number or boolean, got an object/],
    ['a query that is not an object', 'listTaskGroup', ['g', 'limit=1'], 'query', /must be an object of query parameters, got a string/],
  ];

  for (const [what, method, args, field, rule] of bad) {
    it(`rejects ${what}, naming method, field and rule`, async () => {
      server.reset();
      const promise = queue()[method]!(...args);
      assert.ok(promise instanceof Promise, 'API methods reject; they do not throw');
      await assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof ApiArgumentError, String(error));
        assert.ok(error instanceof TypeError);
        assert.equal(error.method, `queue.${method}`);
        assert.equal(error.field, field);
        assert.match(error.rule, rule);
        assert.ok(error.message.startsWith(`queue.${method}${field ? ` (${field})` : ''}: `), error.message);
        return true;
      });
      assert.equal(server.current.requests.length, 0, 'no request was made');
    });
  }

  it('tells a keyword object from a positional payload or query when a method has no route args', async () => {
    server.reset();
    const q = queue();
    await q.tasks!({ taskIds: ['a'] }); // positional payload
    await q.tasks!({ payload: { taskIds: ['b'] }, query: { limit: 1 } }); // keyword form
    await q.listProvisioners!({ limit: 2 }); // positional query
    await q.listProvisioners!({ query: { limit: 3 } }); // keyword form
    const seen = server.current.requests.map((r) => [r.url, r.body]);
    assert.deepEqual(seen, [
      ['/api/queue/v1/tasks', { taskIds: ['a'] }],
      ['/api/queue/v1/tasks?limit=1', { taskIds: ['b'] }],
      ['/api/queue/v1/provisioners?limit=2', undefined],
      ['/api/queue/v1/provisioners?limit=3', undefined],
    ]);
  });
});

describe('REST client options are checked when the client is made', () => {
  const bad: [string, unknown, string, RegExp][] = [
    ['no options', undefined, 'options', /an options object with rootUrl is required/],
    ['no rootUrl', {}, 'rootUrl', /is required \(the deployment, e\.g\. https:\/\/tc\.example\.com\)/],
    ['a rootUrl without scheme', { rootUrl: 'tc.example.com' }, 'rootUrl', /must be an absolute http\(s\) URL/],
    ['a non-http rootUrl', { rootUrl: 'ftp://tc.example.com' }, 'rootUrl', /must be an http\(s\) URL/],
    ['a rootUrl with a query', { rootUrl: 'https://tc.example.com/?x=1' }, 'rootUrl', /must not carry a query/],
    ['negative retries', { retries: -1 }, 'retries', /non-negative integer/],
    ['fractional retries', { retries: 1.5 }, 'retries', /non-negative integer/],
    ['a zero timeout', { timeout: 0 }, 'timeout', /positive number of milliseconds/],
    ['a randomizationFactor of 1', { randomizationFactor: 1 }, 'randomizationFactor', /must be in \[0, 1\)/],
    ['a negative delayFactor', { delayFactor: -1 }, 'delayFactor', /non-negative/],
    ['credentials without accessToken', { credentials: { clientId: 'c' } }, 'credentials.accessToken', /non-empty string/],
    ['credentials without clientId', { credentials: { accessToken: 'secret-token-1' } }, 'credentials.clientId', /non-empty string/],
    ['a certificate that is not JSON', { credentials: { ...ISSUER, certificate: '{nope' } }, 'credentials.certificate', /is not valid JSON/],
    ['authorizedScopes not an array', { authorizedScopes: 'queue:*' }, 'authorizedScopes', /array of strings/],
  ];
  for (const [what, options, field, rule] of bad) {
    it(`refuses ${what}`, () => {
      const full = options === undefined ? undefined : { rootUrl: 'https://tc.example.com', ...(options as object) };
      const make = () => new Queue((field === 'rootUrl' || field === 'options' ? options : full) as ClientOptions);
      assert.throws(make, (error: unknown) => {
        assert.ok(error instanceof ApiArgumentError, String(error));
        assert.equal(error.method, 'queue client');
        assert.equal(error.field, field);
        assert.match(error.rule, rule);
        assert.doesNotMatch(error.message, /secret-token|tester-access-token/);
        return true;
      });
    });
  }

  it('normalizes the rootUrl (trailing slashes) and keeps a path prefix', () => {
    const queue = new Queue({ rootUrl: 'https://tc.example.com/prefix//' });
    assert.equal(queue.buildUrl(queue.task, 'a'), 'https://tc.example.com/prefix/api/queue/v1/task/a');
  });
});
