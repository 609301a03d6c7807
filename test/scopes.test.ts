/** Scope satisfaction (by taskcluster-lib-scopes) and credentialInformation against the fake deployment. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ApiArgumentError, createTemporaryCredentials, credentialInformation, satisfiesExpression, scopeMatch } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';

describe('scope satisfaction', () => {
  it('a trailing * grants what it prefixes; AllOf and AnyOf nest', () => {
    const scopes = ['queue:get-artifact:public/*', 'assume:repo:github.com/x/y:*'];
    assert.equal(satisfiesExpression(scopes, 'queue:get-artifact:public/logs/live.log'), true);
    assert.equal(satisfiesExpression(scopes, 'queue:get-artifact:private/x'), false);
    assert.equal(satisfiesExpression(scopes, { AllOf: ['queue:get-artifact:public/a', { AnyOf: ['nope', 'assume:repo:github.com/x/y:branch:main'] }] }), true);
    assert.equal(satisfiesExpression(scopes, { AllOf: ['queue:get-artifact:public/a', 'nope'] }), false);
    assert.equal(satisfiesExpression(['a*'], 'a*'), true);
    assert.equal(satisfiesExpression(['a'], 'a*'), false, 'a* is a scope of its own, not granted by a');
  });

  it('scopeMatch: any one scopeset, all of its scopes', () => {
    assert.equal(scopeMatch(['a', 'b'], [['a', 'c'], ['b']]), true);
    assert.equal(scopeMatch(['a'], [['a', 'c'], ['b']]), false);
    assert.equal(scopeMatch(['x'], []), false);
  });

  it('bad input is a TypeError naming the argument and rule', () => {
    assert.throws(() => satisfiesExpression(['a'], { if: 'x', then: 'a' } as never), /satisfiesExpression \(expression\): must be a scope string or \{AllOf/);
    assert.throws(() => satisfiesExpression(['a', 'é'], 'a'), /satisfiesExpression \(scopes\[1\]\): must be a scope: printable ASCII/);
    assert.throws(() => scopeMatch(['a'], ['a'] as never), /scopeMatch \(scopesets\): must be an array of arrays/);
  });
});

describe('credentialInformation', () => {
  let fake: FakeTaskcluster;
  before(async () => {
    fake = await startFakeTaskcluster({ clients: { 'disabled-client': 'disabled-client-token' } });
    fake.override('auth.client', (call) => ({
      status: 200,
      body: {
        clientId: call.params.clientId,
        created: '2020-01-01T00:00:00.000Z',
        deleteOnExpiration: false,
        description: '',
        disabled: call.params.clientId === 'disabled-client',
        expandedScopes: [],
        expires: '3000-01-01T00:00:00.000Z',
        lastDateUsed: '2020-01-01T00:00:00.000Z',
        lastModified: '2020-01-01T00:00:00.000Z',
        lastRotated: '2020-01-01T00:00:00.000Z',
        scopes: [],
      },
    }));
    fake.override('auth.currentScopes', (call) => ({ status: 200, body: { scopes: call.auth.scheme === 'hawk' && call.auth.temporary ? ['queue:get-artifact:*'] : ['*'] } }));
  });
  after(() => fake.close());

  it('permanent credentials: the client, its expiry, its scopes, active', async () => {
    const info = await credentialInformation(fake.rootUrl, fake.credentials);
    assert.deepEqual(info, { clientId: fake.credentials.clientId, type: 'permanent', active: true, start: undefined, expiry: new Date('3000-01-01T00:00:00.000Z'), scopes: ['*'] });
    const lookups = fake.calls.filter((call) => call.api === 'auth.client');
    assert.equal(lookups.at(-1)?.auth.scheme, 'none', 'the client is looked up anonymously, as the official client does');
  });

  it('temporary credentials: type, start and the certificate expiry (earlier than the client\'s), the scopes they carry', async () => {
    const start = new Date(Date.now() - 60_000);
    const expiry = new Date(Date.now() + 3_600_000);
    const temporary = createTemporaryCredentials({ credentials: fake.credentials, start, expiry, scopes: ['queue:get-artifact:*'] });
    const info = await credentialInformation(fake.rootUrl, temporary);
    assert.deepEqual(info, { clientId: fake.credentials.clientId, type: 'temporary', active: true, start, expiry, scopes: ['queue:get-artifact:*'] });
    assert.ok(!inspect(info).includes(temporary.accessToken) && !JSON.stringify(info).includes(temporary.accessToken));
  });

  it('a disabled client is not active', async () => {
    fake.override('auth.currentScopes', () => ({ status: 200, body: { scopes: [] } }));
    const info = await credentialInformation(fake.rootUrl, { clientId: 'disabled-client', accessToken: 'disabled-client-token' });
    assert.equal(info.active, false);
  });

  it('bad credentials are refused by field before any request', async () => {
    const calls = fake.calls.length;
    await assert.rejects(credentialInformation(fake.rootUrl, { clientId: 'a', accessToken: 'b', certificate: '{not json' }), (error: unknown) => {
      return error instanceof ApiArgumentError && /\(credentials.certificate\): must be the certificate as JSON text/.test(error.message) && !error.message.includes('{not json');
    });
    await assert.rejects(credentialInformation(fake.rootUrl, { clientId: '', accessToken: 'b' }), /\(credentials.clientId\): must be a non-empty string/);
    assert.equal(fake.calls.length, calls);
  });
});
