import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiArgumentError, clientClass, createClient, createClients, fetchClients, type ApiReference } from '../src/index.js';
import { REPO } from './support/project-references.js';
import { deployment } from './support/rest-deployment.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

const loadApi = (service: string) => JSON.parse(readFileSync(join(REPO, 'apis', `${service}.json`), 'utf8')) as ApiReference;

describe('clients from references loaded at run time', () => {
  const server = useHawkServer(deployment());

  it('createClient: one method per entry, same behaviour as the generated classes', async () => {
    const { requests } = server.reset();
    const queue = createClient(loadApi('queue'), { rootUrl: server.current.rootUrl, credentials: ISSUER });
    const answer = (await queue.createTask!({ taskId: 'a/b', payload: { x: 1 } })) as { method: string; path: string; body: unknown };
    assert.deepEqual(answer, { method: 'PUT', path: '/api/queue/v1/task/a%2Fb', query: {}, body: { x: 1 }, clientId: ISSUER.clientId });
    await assert.rejects(queue.createTask!('a'), (error: unknown) => error instanceof ApiArgumentError && error.method === 'queue.createTask');
    assert.equal(queue.buildUrl(queue.task!, 't'), `${server.current.rootUrl}/api/queue/v1/task/t`);
    assert.equal(queue.task!.name, 'task');
    assert.equal(requests.length, 1);
  });

  it('builds a class once per reference; use() keeps it', () => {
    const reference = loadApi('secrets');
    const Secrets = clientClass(reference);
    assert.equal(clientClass(reference), Secrets);
    const secrets = createClient(reference, { rootUrl: 'https://tc.example.com' });
    assert.ok(secrets instanceof Secrets);
    assert.ok(secrets.use({ retries: 0 }) instanceof Secrets);
  });

  it('createClients: one client per reference, by service name', () => {
    const clients = createClients([loadApi('queue'), loadApi('worker-manager')], { rootUrl: 'https://tc.example.com' });
    assert.deepEqual(Object.keys(clients), ['queue', 'worker-manager']);
    const wm = clients['worker-manager']!;
    assert.equal(wm.buildUrl(wm.workerPool!, 'proj/pool'), 'https://tc.example.com/api/worker-manager/v1/worker-pool/proj%2Fpool');
  });

  it('fetchClients: reads a live deployment\'s references and calls its APIs', async () => {
    const { requests } = server.reset();
    const clients = await fetchClients(server.current.rootUrl, { credentials: ISSUER, services: ['queue', 'auth'] });
    assert.deepEqual(Object.keys(clients).sort(), ['auth', 'queue']);
    const answer = (await clients.queue!.task!('t1')) as { path: string; clientId: string };
    assert.equal(answer.path, '/api/queue/v1/task/t1');
    assert.equal(answer.clientId, ISSUER.clientId);
    assert.ok(requests.some((r) => r.path === '/references/manifest.json'));
    assert.ok(requests.some((r) => r.path.startsWith('/schemas/queue/v1/')));
  });

  const broken: [string, (reference: ApiReference) => unknown, string, RegExp][] = [
    ['no serviceName', (r) => ({ ...r, serviceName: undefined }), 'reference.serviceName', /service name/],
    ['a bad apiVersion', (r) => ({ ...r, apiVersion: '1' }), 'reference.apiVersion', /must be like "v1"/],
    ['no entries', (r) => ({ ...r, entries: undefined }), 'reference.entries', /must be an array/],
    ['an entry named like a client method', (r) => ({ ...r, entries: [{ ...r.entries[0], name: 'buildUrl' }] }), 'reference.entries[0].name', /collides/],
    ['two entries of one name', (r) => ({ ...r, entries: [r.entries[0], r.entries[0]] }), 'reference.entries[1].name', /collides/],
    ['a bad HTTP method', (r) => ({ ...r, entries: [{ ...r.entries[0], method: 'fetch' }] }), 'reference.entries[0].method', /must be one of/],
    ['a relative route', (r) => ({ ...r, entries: [{ ...r.entries[0], route: 'ping' }] }), 'reference.entries[0].route', /starting with \//],
    ['args that are not strings', (r) => ({ ...r, entries: [{ ...r.entries[0], args: [1] }] }), 'reference.entries[0].args', /array of strings/],
  ];
  for (const [what, corrupt, field, rule] of broken) {
    it(`refuses a reference with ${what}`, () => {
      assert.throws(
        () => createClient(corrupt(loadApi('queue')) as ApiReference, { rootUrl: 'https://tc.example.com' }),
        (error: unknown) => error instanceof ApiArgumentError && error.field === field && rule.test(error.rule),
      );
    });
  }
});
