import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiArgumentError, Queue } from '../src/index.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

/** Every printable ASCII character, and some beyond: what a route argument or a query value may hold. */
const CHARACTERS = [...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)), 'é', 'ß', '\u00a0', '日本', '😀'];

/**
 * Each character in a route argument and in a query value, signed both ways
 * (Hawk header, bewit). The server checks the signature with hawk's server
 * side over the URL exactly as it received it, as Taskcluster's auth service
 * does, and must get back the very value given.
 */
describe('every character a route argument or query value can hold is signed as sent', () => {
  const server = useHawkServer();
  const queue = () => new Queue({ rootUrl: server.current.rootUrl, credentials: ISSUER, retries: 0 });
  const label = (c: string) => JSON.stringify(c);

  it('in a route argument, with a Hawk header: accepted, received as buildUrl says, decoded to the value', async () => {
    const { requests, refusals } = server.reset();
    const q = queue();
    for (const c of CHARACTERS) {
      const name = `public/it${c}s.log`;
      await q.getLatestArtifact('t', name);
      const received = requests.at(-1)!;
      assert.equal(server.current.rootUrl + received.url, q.buildUrl(q.getLatestArtifact, 't', name), label(c));
      assert.equal(decodeURIComponent(received.path.split('/').pop()!), name, label(c));
    }
    assert.deepEqual(refusals, []);
  });

  it('in a route argument, with a bewit: the URL handed out is the URL signed', async () => {
    const { requests, refusals } = server.reset();
    const q = queue();
    for (const c of CHARACTERS) {
      const name = `public/it${c}s.log`;
      const url = q.buildSignedUrl(q.getLatestArtifact, 't', name);
      const response = await fetch(url);
      assert.equal(response.status, 200, `${label(c)}: ${JSON.stringify(refusals.at(-1))}`);
      const received = requests.at(-1)!;
      assert.equal(server.current.rootUrl + received.url, url, label(c));
      assert.equal(decodeURIComponent(received.path.split('/').pop()!), name, label(c));
    }
  });

  it('in a query value, with a Hawk header and with a bewit', async () => {
    const { requests, refusals } = server.reset();
    const q = queue();
    for (const c of CHARACTERS) {
      const token = `a${c}b=c&d`;
      await q.listTaskGroup('g', { continuationToken: token });
      assert.equal(requests.at(-1)!.query.get('continuationToken'), token, label(c));
      const url = q.buildSignedUrl(q.listTaskGroup, 'g', { continuationToken: token, limit: 5 });
      const response = await fetch(url);
      assert.equal(response.status, 200, `${label(c)}: ${JSON.stringify(refusals.at(-1))}`);
      assert.equal(server.current.rootUrl + requests.at(-1)!.url, url, label(c));
      assert.equal(requests.at(-1)!.query.get('continuationToken'), token, label(c));
    }
  });

  it('refuses, before any request, what no URL can carry: "." or ".." as a segment, lone surrogates', () => {
    const { requests } = server.reset();
    const q = queue();
    const cases: [() => unknown, string, RegExp][] = [
      [() => q.buildUrl(q.task, '..'), 'taskId', /must not be "\.\.", which URLs take for a path step/],
      [() => q.buildSignedUrl(q.getLatestArtifact, 't', '.'), 'name', /must not be "\."/],
      [() => q.buildUrl(q.task, 'a\ud800'), 'taskId', /must be well-formed Unicode/],
      [() => q.buildUrl(q.listTaskGroup, 'g', { continuationToken: '\udc00' }), 'query.continuationToken', /must be well-formed Unicode/],
    ];
    for (const [call, field, rule] of cases) {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof ApiArgumentError, String(error));
        assert.equal(error.field, field);
        assert.match(error.rule, rule);
        return true;
      });
    }
    assert.equal(q.buildUrl(q.task, 'a..b'), `${server.current.rootUrl}/api/queue/v1/task/a..b`);
    assert.equal(requests.length, 0);
  });
});
