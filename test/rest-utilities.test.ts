import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiArgumentError, fromEnv, fromNow, slugid, slugidV4 } from '../src/index.js';

const { default: official } = await import('taskcluster-client');

describe('slugid', () => {
  it('is 22 URL-safe characters encoding a v4 UUID; nice ones start with [A-Za-f]', () => {
    for (let i = 0; i < 2000; i++) {
      const nice = slugid();
      assert.match(nice, /^[A-Za-f][A-Za-z0-9_-]{21}$/);
      const uuid = Buffer.from(nice, 'base64url').toString('hex');
      assert.equal(uuid.length, 32);
      assert.equal(uuid[12], '4', 'version 4');
      assert.match(uuid[16]!, /[89ab]/, 'RFC 4122 variant');
      assert.match(slugidV4(), /^[A-Za-z0-9_-]{22}$/);
    }
  });

  it('uses the whole alphabet of first characters the official client does, and no other', () => {
    const firsts = new Set(Array.from({ length: 5000 }, () => slugid()[0]));
    const officialFirsts = new Set(Array.from({ length: 5000 }, () => official.slugid()[0]));
    assert.deepEqual([...firsts].sort(), [...officialFirsts].sort());
    assert.equal(firsts.size, 32);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, slugid));
    assert.equal(ids.size, 10_000);
  });
});

describe('fromNow', () => {
  const base = new Date('2026-03-01T12:00:00.000Z');
  const expressions = [
    '',
    '2 hours',
    '1 day 2 hours',
    '-3 minutes',
    '+1 week',
    '1y 2mo 3w 4d 5h 6m 7s',
    '3 years',
    '2 months',
    '1 min',
    '10 sec',
    '1d2h3min',
    '  7 days  ',
    '1 yr 1 hr',
    '45 seconds',
    '-1 year -2 days', // one sign only: not an offset, for either
  ];
  for (const expression of expressions) {
    it(`agrees with the official client on ${JSON.stringify(expression)}`, () => {
      let expected: Date | Error;
      try {
        expected = official.fromNow(expression, base);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) assert.throws(() => fromNow(expression, base), ApiArgumentError);
      else assert.equal(fromNow(expression, base).toJSON(), expected.toJSON());
    });
  }

  it('counts from now by default', () => {
    const before = Date.now();
    const soon = fromNow('1 hour').getTime();
    assert.ok(soon >= before + 3600_000 && soon <= Date.now() + 3600_000);
  });

  it('is now (or the reference) without an offset, as in the official client', () => {
    assert.equal(fromNow(undefined, base).toJSON(), official.fromNow(undefined as never, base).toJSON());
    assert.equal(fromNow(undefined, base).getTime(), base.getTime());
    const before = Date.now();
    const now = fromNow().getTime();
    assert.ok(now >= before && now <= Date.now(), `${now - before} ms`);
  });

  it('names the rule for nonsense', () => {
    assert.throws(() => fromNow('1 day', new Date('never')), /fromNow \(reference\): must be a valid Date/);
    assert.throws(() => fromNow(null as never), /fromNow \(offset\): null is not a time offset/);
    assert.throws(() => fromNow('soon'), /fromNow \(offset\): "soon" is not a time offset such as "2 hours"/);
    assert.throws(() => fromNow('2 hours 1 day'), ApiArgumentError, 'units go from years down to seconds');
  });
});

describe('fromEnv', () => {
  it('reads the root URL and credentials', () => {
    assert.deepEqual(
      fromEnv({
        TASKCLUSTER_ROOT_URL: 'https://tc.example.com',
        TASKCLUSTER_CLIENT_ID: 'me',
        TASKCLUSTER_ACCESS_TOKEN: 'secret',
        TASKCLUSTER_CERTIFICATE: '{"version":1}',
      }),
      { rootUrl: 'https://tc.example.com', credentials: { clientId: 'me', accessToken: 'secret', certificate: '{"version":1}' } },
    );
    assert.deepEqual(fromEnv({ TASKCLUSTER_ROOT_URL: 'https://tc.example.com' }), { rootUrl: 'https://tc.example.com' });
  });

  it('lets TASKCLUSTER_PROXY_URL replace root URL and credentials (the proxy signs)', () => {
    assert.deepEqual(
      fromEnv({ TASKCLUSTER_PROXY_URL: 'http://taskcluster', TASKCLUSTER_CLIENT_ID: 'me', TASKCLUSTER_ACCESS_TOKEN: 'secret' }),
      { rootUrl: 'http://taskcluster', proxyUrl: 'http://taskcluster' },
    );
    assert.deepEqual(fromEnv({ TASKCLUSTER_PROXY_URL: 'http://taskcluster', TASKCLUSTER_ROOT_URL: 'https://tc.example.com' }), {
      rootUrl: 'https://tc.example.com',
      proxyUrl: 'http://taskcluster',
    });
  });

  it('says what is missing', () => {
    assert.throws(() => fromEnv({}), /fromEnv \(TASKCLUSTER_ROOT_URL\): is not set/);
    assert.throws(
      () => fromEnv({ TASKCLUSTER_ROOT_URL: 'https://tc.example.com', TASKCLUSTER_CLIENT_ID: 'me' }),
      /fromEnv \(TASKCLUSTER_ACCESS_TOKEN\): is not set, but the other half of the credentials is/,
    );
  });

  it('reads process.env by default', () => {
    const saved = process.env.TASKCLUSTER_ROOT_URL;
    process.env.TASKCLUSTER_ROOT_URL = 'https://env.example.com';
    try {
      assert.equal(fromEnv().rootUrl, 'https://env.example.com');
    } finally {
      if (saved === undefined) delete process.env.TASKCLUSTER_ROOT_URL;
      else process.env.TASKCLUSTER_ROOT_URL = saved;
    }
  });
});
