import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import {
  ApiArgumentError,
  createTemporaryCredentials,
  Queue,
  TaskclusterError,
  type Credentials,
  type TemporaryCredentials,
} from '../src/index.js';
import { sendJson, startHawkServer, type Authentication } from './support/hawk-server.js';
import { FAST_RETRIES, ISSUER, OTHER, useHawkServer } from './support/rest-fixtures.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const soon = () => new Date(Date.now() + HOUR);
const signedIn = (auth: Authentication | undefined) => {
  assert.ok(auth && auth.scheme !== 'none', 'the request was signed');
  return auth;
};

describe('Hawk credentials', () => {
  const server = useHawkServer();
  const queueWith = (credentials: Credentials, extra: object = {}) =>
    new Queue({ rootUrl: server.current.rootUrl, credentials, ...FAST_RETRIES, ...extra });

  it('a wrong access token is refused (401), not retried, and the error names no secret', async () => {
    const { refusals, requests } = server.reset();
    const wrong = { clientId: ISSUER.clientId, accessToken: 'not-the-right-token-8c1' };
    await assert.rejects(queueWith(wrong).task('t'), (error: unknown) => {
      assert.ok(error instanceof TaskclusterError);
      assert.equal(error.statusCode, 401);
      assert.equal(error.code, 'AuthenticationFailed');
      assert.equal(error.attempts, 1);
      assert.doesNotMatch(`${error.message} ${inspect(error)} ${JSON.stringify(error)}`, /not-the-right-token|Hawk id=/);
      return true;
    });
    assert.deepEqual(refusals.map((r) => r.reason), ['Bad mac']);
    assert.equal(requests.length, 0);
  });

  it('logging a client shows no access token', () => {
    const queue = queueWith(ISSUER);
    assert.doesNotMatch(inspect(queue, { depth: 10, showHidden: true }), new RegExp(ISSUER.accessToken));
    assert.doesNotMatch(JSON.stringify(queue), new RegExp(ISSUER.accessToken));
  });

  it('a credentials provider is asked before every attempt, so rotated credentials are used at once', async () => {
    let calls = 0;
    const { requests } = server.reset((request, response) => {
      if (requests.length === 2) return sendJson(response, 503, { code: 'Unavailable', message: 'once' });
      sendJson(response, 200, {});
    });
    const rotating = () => {
      calls++;
      return Promise.resolve(calls === 1 ? ISSUER : OTHER);
    };
    const queue = new Queue({ rootUrl: server.current.rootUrl, credentials: rotating, ...FAST_RETRIES });
    await queue.task('a'); // ISSUER
    await queue.task('b'); // OTHER: a 503, then OTHER again
    assert.equal(calls, 3);
    assert.deepEqual(
      requests.map((r) => signedIn(r.auth).clientId),
      [ISSUER.clientId, OTHER.clientId, OTHER.clientId],
    );
  });

  it('a provider may answer undefined (anonymous), and its failure fails the call before any request', async () => {
    const { requests } = server.reset();
    await new Queue({ rootUrl: server.current.rootUrl, credentials: () => undefined }).task('a');
    assert.equal(requests[0]!.auth.scheme, 'none');
    const broken = new Queue({ rootUrl: server.current.rootUrl, credentials: () => Promise.reject(new Error('vault is down')) });
    await assert.rejects(broken.task('b'), /vault is down/);
    const invalid = new Queue({ rootUrl: server.current.rootUrl, credentials: () => ({ clientId: 'x' }) as Credentials });
    await assert.rejects(invalid.task('c'), (error: unknown) => error instanceof ApiArgumentError && error.field === 'credentials().accessToken');
    assert.equal(requests.length, 1);
  });
});

describe('temporary credentials', () => {
  const server = useHawkServer();
  const queueWith = (credentials: Credentials, extra: object = {}) =>
    new Queue({ rootUrl: server.current.rootUrl, credentials, ...FAST_RETRIES, ...extra });

  it('have the documented shape', () => {
    const start = new Date(Date.now() - 60_000);
    const expiry = new Date(start.getTime() + HOUR);
    const temp = createTemporaryCredentials({ start, expiry, scopes: ['queue:get-task:*', 'b'], credentials: ISSUER });
    assert.equal(temp.clientId, ISSUER.clientId);
    assert.match(temp.accessToken, /^[A-Za-z0-9_-]{43}$/, 'base64url of a SHA-256 HMAC, no padding');
    const certificate = JSON.parse(temp.certificate);
    assert.deepEqual(Object.keys(certificate), ['version', 'scopes', 'start', 'expiry', 'seed', 'signature']);
    assert.equal(certificate.version, 1);
    assert.deepEqual(certificate.scopes, ['queue:get-task:*', 'b']);
    assert.equal(certificate.start, start.getTime());
    assert.equal(certificate.expiry, expiry.getTime());
    assert.match(certificate.seed, /^[A-Za-z0-9_-]{44}$/);
    assert.match(certificate.signature, /^[A-Za-z0-9+/]{43}=$/);
    const named = JSON.parse(createTemporaryCredentials({ expiry, credentials: ISSUER, clientId: 'bot/1' }).certificate);
    assert.equal(named.issuer, ISSUER.clientId);
    assert.notEqual(certificate.seed, named.seed);
  });

  const kinds: [string, () => TemporaryCredentials, string][] = [
    ['unnamed', () => createTemporaryCredentials({ expiry: soon(), scopes: ['queue:get-task:*'], credentials: ISSUER }), ISSUER.clientId],
    ['named', () => createTemporaryCredentials({ expiry: soon(), scopes: ['a', 'b'], credentials: ISSUER, clientId: 'my-bot/temp' }), 'my-bot/temp'],
    ['scope-less', () => createTemporaryCredentials({ expiry: soon(), credentials: ISSUER }), ISSUER.clientId],
  ];
  for (const [kind, make, clientId] of kinds) {
    it(`${kind}: sign requests the server verifies (certificate signature and derived key checked independently)`, async () => {
      const { requests, refusals } = server.reset();
      const temp = make();
      await queueWith(temp).task('t');
      await queueWith(temp, { authorizedScopes: ['queue:get-task:t'] }).task('t');
      assert.deepEqual(refusals, []);
      const [plain, restricted] = requests.map((r) => signedIn(r.auth));
      assert.equal(plain!.clientId, clientId);
      assert.equal(plain!.issuer, ISSUER.clientId);
      assert.equal(plain!.temporary, true);
      assert.deepEqual(plain!.ext, { certificate: JSON.parse(temp.certificate) });
      assert.deepEqual(restricted!.ext, { certificate: JSON.parse(temp.certificate), authorizedScopes: ['queue:get-task:t'] });
    });

    it(`${kind}: sign URLs the server verifies`, async () => {
      const { requests, refusals } = server.reset();
      const queue = queueWith(make());
      const response = await fetch(queue.buildSignedUrl(queue.task, 't'));
      assert.equal(response.status, 200, JSON.stringify(refusals));
      const auth = signedIn(requests[0]!.auth);
      assert.equal(auth.scheme, 'bewit');
      assert.equal(auth.clientId, clientId);
      assert.equal(auth.temporary, true);
    });
  }

  it('a parsed certificate object works as well as its JSON text', async () => {
    const { requests } = server.reset();
    const temp = createTemporaryCredentials({ expiry: soon(), scopes: ['x'], credentials: ISSUER });
    await queueWith({ ...temp, certificate: JSON.parse(temp.certificate) }).task('t');
    assert.equal(signedIn(requests[0]!.auth).temporary, true);
  });

  it('a tampered certificate is refused by the server (so its check is real)', async () => {
    const { refusals } = server.reset();
    const temp = createTemporaryCredentials({ expiry: soon(), scopes: ['a'], credentials: ISSUER });
    const forged = { ...temp, certificate: JSON.stringify({ ...JSON.parse(temp.certificate), scopes: ['*'] }) };
    await assert.rejects(queueWith(forged).task('t'), (error: unknown) => error instanceof TaskclusterError && error.statusCode === 401);
    assert.match(refusals[0]!.reason, /certificate\.signature is not valid/);
  });

  it('credentials issued by a client the server does not know are refused', async () => {
    const { refusals } = server.reset();
    const stranger = createTemporaryCredentials({ expiry: soon(), credentials: { clientId: 'stranger', accessToken: 'x'.repeat(20) } });
    await assert.rejects(queueWith(stranger).task('t'), TaskclusterError);
    assert.match(refusals[0]!.reason, /client stranger not found/);
  });

  const refused: [string, () => unknown, string, RegExp][] = [
    ['a span over 31 days', () => createTemporaryCredentials({ start: new Date(0), expiry: new Date(31 * DAY + 1), credentials: ISSUER }), 'expiry', /cannot span more than 31 days/],
    ['issuing from temporary credentials', () => createTemporaryCredentials({ expiry: soon(), credentials: createTemporaryCredentials({ expiry: soon(), credentials: ISSUER }) }), 'credentials.certificate', /temporary credentials cannot issue temporary credentials/],
    ['an expiry before the start', () => createTemporaryCredentials({ start: new Date(2 * HOUR), expiry: new Date(HOUR), credentials: ISSUER }), 'expiry', /must be after start/],
    ['a name equal to the issuer', () => createTemporaryCredentials({ expiry: soon(), credentials: ISSUER, clientId: ISSUER.clientId }), 'clientId', /must differ from the issuer/],
    ['scopes that are not strings', () => createTemporaryCredentials({ expiry: soon(), credentials: ISSUER, scopes: [1] as never }), 'scopes', /array of strings/],
    ['an invalid date', () => createTemporaryCredentials({ expiry: new Date('nope'), credentials: ISSUER }), 'expiry', /must be a valid Date/],
    ['no issuer access token', () => createTemporaryCredentials({ expiry: soon(), credentials: { clientId: 'c' } as Credentials }), 'credentials.accessToken', /non-empty string/],
  ];
  for (const [what, make, field, rule] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(make, (error: unknown) => {
        assert.ok(error instanceof ApiArgumentError, String(error));
        assert.equal(error.method, 'createTemporaryCredentials');
        assert.equal(error.field, field);
        assert.match(error.rule, rule);
        assert.doesNotMatch(error.message, new RegExp(ISSUER.accessToken));
        return true;
      });
    });
  }

  it('accepts exactly 31 days', () => {
    assert.doesNotThrow(() => createTemporaryCredentials({ start: new Date(0), expiry: new Date(31 * DAY), credentials: ISSUER }));
  });
});

describe('taskcluster-proxy', () => {
  it('requests go to <proxyUrl>/api/<service>/<version><route> unsigned; buildUrl keeps the root URL', async () => {
    const proxy = await startHawkServer({});
    try {
      const queue = new Queue({ rootUrl: 'https://tc.example.com', proxyUrl: proxy.rootUrl, credentials: ISSUER });
      await queue.task('a/b');
      assert.equal(proxy.requests[0]!.url, '/api/queue/v1/task/a%2Fb');
      assert.equal(proxy.requests[0]!.headers.authorization, undefined);
      assert.equal(queue.buildUrl(queue.task, 'a'), 'https://tc.example.com/api/queue/v1/task/a');
    } finally {
      await proxy.close();
    }
  });
});
