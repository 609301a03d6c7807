import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ApiArgumentError, Index, Queue, type ClientOptions } from '../src/index.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

/** The parts of a bewit: `id\exp\mac\ext`. */
function bewitOf(url: string): { id: string; exp: number; ext: string } {
  const bewit = new URL(url).searchParams.get('bewit');
  assert.ok(bewit, `${url} has a bewit`);
  const [id, exp, , ext] = Buffer.from(bewit, 'base64url').toString('utf8').split('\\');
  return { id: id!, exp: Number(exp), ext: ext! };
}

describe('buildUrl', () => {
  const queue = new Queue({ rootUrl: 'https://tc.example.com/' });

  it('builds the URL a call would request, in either form, without a request', () => {
    const url = 'https://tc.example.com/api/queue/v1/task/a%2Fb/runs/0/artifacts/public%2Flogs%2Flive.log';
    assert.equal(queue.buildUrl(queue.getArtifact, 'a/b', 0, 'public/logs/live.log'), url);
    assert.equal(queue.buildUrl(queue.getArtifact, { taskId: 'a/b', runId: 0, name: 'public/logs/live.log' }), url);
    assert.equal(queue.buildUrl(queue.listTaskGroup, 'g', { limit: 5 }), 'https://tc.example.com/api/queue/v1/task-group/g/list?limit=5');
    assert.equal(queue.buildUrl(queue.ping), 'https://tc.example.com/api/queue/v1/ping');
  });

  it('checks arguments like the call does', () => {
    assert.throws(() => queue.buildUrl(queue.getArtifact, 'a' as never), /queue\.getArtifact: expects \(taskId, runId, name\)/);
    assert.throws(() => queue.buildUrl(queue.listTaskGroup, 'g', { limt: 1 } as never), /\(query\.limt\): is not a query parameter/);
  });

  it('refuses a function that is not a method of this client', () => {
    const index = new Index({ rootUrl: 'https://tc.example.com' });
    for (const method of [index.findTask, () => Promise.resolve(1), queue.task.bind(queue)]) {
      const buildUrl = queue.buildUrl.bind(queue) as (method: unknown, ...args: unknown[]) => string;
      assert.throws(() => buildUrl(method, 'x'), (error: unknown) => {
        assert.ok(error instanceof ApiArgumentError);
        assert.equal(error.method, 'queue.buildUrl');
        assert.equal(error.field, 'method');
        assert.match(error.rule, /must be an API method of this client/);
        return true;
      });
    }
  });
});

describe('buildSignedUrl', () => {
  const server = useHawkServer();
  const queue = (extra: Partial<ClientOptions> = {}) => new Queue({ rootUrl: server.current.rootUrl, credentials: ISSUER, ...extra });

  it('signs a URL the server accepts (bewit verified by hawk), query included', async () => {
    const { requests, refusals } = server.reset();
    const q = queue({ authorizedScopes: ['queue:list-task-group:g'] });
    const url = q.buildSignedUrl(q.listTaskGroup, 'g/1', { limit: 2 });
    assert.match(url, /\/api\/queue\/v1\/task-group\/g%2F1\/list\?limit=2&bewit=[\w-]+$/);
    const response = await fetch(url);
    assert.equal(response.status, 200, JSON.stringify(refusals));
    const auth = requests[0]!.auth;
    assert.ok(auth.scheme === 'bewit');
    assert.equal(auth.clientId, ISSUER.clientId);
    assert.deepEqual(auth.ext, { authorizedScopes: ['queue:list-task-group:g'] });
    assert.equal(requests[0]!.query.get('limit'), '2');
  });

  it('expires after 900 seconds by default, or after `expiration` seconds', () => {
    const q = queue();
    const now = Date.now() / 1000;
    const byDefault = bewitOf(q.buildSignedUrl(q.task, 't'));
    assert.equal(byDefault.id, ISSUER.clientId);
    assert.ok(Math.abs(byDefault.exp - (now + 900)) <= 2, `${byDefault.exp - now}`);
    const short = bewitOf(q.buildSignedUrl(q.task, { taskId: 't' }, { expiration: 60 }));
    assert.ok(Math.abs(short.exp - (now + 60)) <= 2);
    // With a query, the types want it (or undefined) before the options; at run time a
    // trailing {expiration} is the option anyway, as no method has a query key of that name.
    assert.match(q.buildSignedUrl(q.listTaskGroup, 'g', undefined, { expiration: 30 }), /\/list\?bewit=/);
    const listed = q.buildSignedUrl(q.listTaskGroup, 'g', { expiration: 30 } as never);
    assert.doesNotMatch(listed, /expiration/);
    assert.ok(Math.abs(bewitOf(listed).exp - (now + 30)) <= 2);
    assert.match(q.buildSignedUrl(q.listTaskGroup, 'g', { limit: 1 }, { expiration: 30 }), /\?limit=1&bewit=/);
  });

  it('an expired URL is refused', async () => {
    const { refusals } = server.reset();
    const q = queue();
    const url = q.buildSignedUrl(q.task, 't', { expiration: 1 });
    await sleep(1100);
    assert.equal((await fetch(url)).status, 401);
    assert.match(refusals[0]!.reason, /Access expired/);
  });

  it('a URL changed after signing is refused', async () => {
    const { refusals } = server.reset();
    const q = queue();
    const url = q.buildSignedUrl(q.task, 'mine').replace('/task/mine', '/task/yours');
    assert.equal((await fetch(url)).status, 401);
    assert.match(refusals[0]!.reason, /Bad mac/);
  });

  const refused: [string, () => string, string | undefined, RegExp][] = [
    ['a method that is not GET', () => { const q = queue(); return q.buildSignedUrl(q.cancelTask, 't'); }, undefined, /works only for GET methods; this one is POST/],
    ['a client without credentials', () => { const q = queue({ credentials: undefined }); return q.buildSignedUrl(q.task, 't'); }, 'credentials', /needs credentials/],
    ['a credentials provider', () => { const q = queue({ credentials: () => ISSUER }); return q.buildSignedUrl(q.task, 't'); }, 'credentials', /needs static credentials/],
    ['a zero expiration', () => { const q = queue(); return q.buildSignedUrl(q.task, 't', { expiration: 0 }); }, 'expiration', /positive whole number of seconds/],
    ['a fractional expiration', () => { const q = queue(); return q.buildSignedUrl(q.task, 't', { expiration: 1.5 }); }, 'expiration', /positive whole number/],
    ['an unknown option', () => { const q = queue(); return q.buildSignedUrl(q.task, 't', { expires: 5 } as never); }, 'expires', /is not a buildSignedUrl option/],
  ];
  for (const [what, build, field, rule] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(build, (error: unknown) => {
        assert.ok(error instanceof ApiArgumentError, String(error));
        assert.equal(error.field, field);
        assert.match(error.rule, rule);
        return true;
      });
    });
  }
});
