/**
 * Credentials renewed before they expire, for long-running REST clients,
 * against the Hawk-verifying server of the fake deployment (it checks each
 * temporary certificate's signature and validity with hawk's server side).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ApiArgumentError, Queue, renewingCredentials, temporaryCredentialsProvider, type Credentials } from '../src/index.js';
import type { TemporaryCertificate } from './support/hawk-server.js';
import { FAST_RETRIES, ISSUER, OTHER, useHawkServer } from './support/rest-fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('renewing credentials', () => {
  const server = useHawkServer();

  it('temporaryCredentialsProvider: a client calling for 3.5 lifetimes always signs with unexpired certificates, renewed at 3/4 of their life', async (t) => {
    const { requests } = server.reset();
    const lifetimeMs = 800;
    const queue = new Queue({ rootUrl: server.current.rootUrl, credentials: temporaryCredentialsProvider({ credentials: ISSUER, scopes: ['queue:*'], lifetimeMs }), ...FAST_RETRIES });
    const startedAt = Date.now();
    const sentAt: number[] = [];
    while (Date.now() - startedAt < 3.5 * lifetimeMs) {
      sentAt.push(Date.now());
      await queue.task(`t${sentAt.length}`);
      await sleep(40);
    }
    assert.equal(requests.length, sentAt.length, 'every request was accepted');
    const certificates = requests.map((request) => {
      const auth = request.auth;
      assert.ok(auth.scheme === 'hawk' && auth.temporary && auth.issuer === ISSUER.clientId, 'signed with temporary credentials from the issuer');
      return auth.ext!.certificate as TemporaryCertificate;
    });
    for (const [i, certificate] of certificates.entries()) {
      assert.ok(certificate.expiry > sentAt[i]!, `request ${i} used a certificate that had not expired (the server allows 5 min of skew; this checks without it)`);
      // Renewed at 3/4 of the life: never signed with the last quarter.
      assert.ok(sentAt[i]! <= certificate.start + 0.75 * lifetimeMs + 60, `request ${i} used a certificate past 3/4 of its life`);
      assert.deepEqual(certificate.scopes, ['queue:*']);
    }
    const seeds = new Set(certificates.map((certificate) => certificate.seed));
    t.diagnostic(`${requests.length} requests over ${Date.now() - startedAt} ms with ${lifetimeMs} ms credentials: ${seeds.size} certificates issued`);
    assert.ok(seeds.size >= 3, `renewed ${seeds.size - 1} times`);
  });

  it('renewingCredentials: one fetch for concurrent requests; a failed renewal keeps the still-valid credentials, an expired one fails without quoting secrets', async () => {
    const { requests } = server.reset();
    let fetches = 0;
    let broken = false;
    const provider = renewingCredentials(
      async () => {
        fetches++;
        await sleep(20);
        if (broken) throw new Error(`vault refused: Authorization: Hawk id="x", mac="c2VjcmV0LW1hYw==" token=${OTHER.accessToken}`);
        return { credentials: fetches % 2 ? ISSUER : OTHER, expires: new Date(Date.now() + 1_500) };
      },
      { renewAfter: 0.5 },
    );
    const queue = new Queue({ rootUrl: server.current.rootUrl, credentials: provider, ...FAST_RETRIES });
    await Promise.all(Array.from({ length: 10 }, (_, i) => queue.task(`c${i}`)));
    assert.equal(fetches, 1, 'one fetch for ten concurrent requests');
    await sleep(800); // past half the life: renewed on the next call
    await queue.task('renewed');
    assert.equal(fetches, 2);
    assert.equal((requests.at(-1)!.auth as { clientId: string }).clientId, OTHER.clientId);

    broken = true;
    await sleep(800);
    await queue.task('still-valid'); // renewal fails; the current ones have about 700 ms left
    assert.equal((requests.at(-1)!.auth as { clientId: string }).clientId, OTHER.clientId);
    assert.equal(fetches, 3);
    await sleep(800);
    await assert.rejects(queue.task('expired'), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /renewing credentials failed and the current ones have expired: Error: vault refused/);
      assert.doesNotMatch(`${error.message} ${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`, new RegExp(`${OTHER.accessToken}|c2VjcmV0LW1hYw`));
      return true;
    });
  });

  it('what a provider hands out shows no access token or signature when logged', async () => {
    const credentials = (await temporaryCredentialsProvider({ credentials: ISSUER })())!;
    const signature = (JSON.parse(credentials.certificate as string) as TemporaryCertificate).signature;
    for (const text of [inspect(credentials, { depth: 5 }), JSON.stringify(credentials)]) {
      assert.ok(!text.includes(credentials.accessToken) && !text.includes(signature) && !text.includes(ISSUER.accessToken), text);
    }
  });

  it('bad options are refused before any request, naming the field', async () => {
    const named = (field: string) => (error: unknown) => error instanceof ApiArgumentError && error.field === field;
    assert.throws(() => temporaryCredentialsProvider({ credentials: ISSUER, lifetimeMs: 0 }), named('lifetimeMs'));
    assert.throws(() => temporaryCredentialsProvider({ credentials: { clientId: 'x' } as Credentials }), named('credentials.accessToken'));
    assert.throws(() => renewingCredentials(() => ({ credentials: ISSUER, expires: new Date() }), { renewAfter: 1 }), named('renewAfter'));
    const past = renewingCredentials(() => ({ credentials: ISSUER, expires: new Date(Date.now() - 1) }));
    await assert.rejects(Promise.resolve().then(past), named('fetch().expires'));
  });
});
