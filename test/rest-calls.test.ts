import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  Auth,
  closeConnections,
  Github,
  Hooks,
  Index,
  Notify,
  ObjectService,
  PurgeCache,
  Queue,
  Secrets,
  WebServer,
  WorkerManager,
  type ApiReference,
  type ClientOptions,
  type TaskclusterClient,
} from '../src/index.js';
import { echo, sendJson } from './support/hawk-server.js';
import { REPO } from './support/project-references.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

type AnyClient = TaskclusterClient & Record<string, (...args: unknown[]) => Promise<unknown>>;
const CLASSES = [Auth, Github, Hooks, Index, Notify, ObjectService, PurgeCache, Queue, Secrets, WebServer, WorkerManager];

interface Echo {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  clientId: string | null;
}

describe('REST calls reach the right endpoint, signed', () => {
  const server = useHawkServer();
  const options = (): ClientOptions => ({ rootUrl: server.current.rootUrl, credentials: ISSUER });

  it('has a class for each of the 11 services, named after it (Object as ObjectService)', () => {
    assert.deepEqual(
      CLASSES.map((C) => [C.name, C.serviceName]),
      [
        ['Auth', 'auth'],
        ['Github', 'github'],
        ['Hooks', 'hooks'],
        ['Index', 'index'],
        ['Notify', 'notify'],
        ['ObjectService', 'object'],
        ['PurgeCache', 'purge-cache'],
        ['Queue', 'queue'],
        ['Secrets', 'secrets'],
        ['WebServer', 'web-server'],
        ['WorkerManager', 'worker-manager'],
      ],
    );
  });

  it('every method of every service requests its route, in both forms, with encoded args, payload and query', async () => {
    server.reset();
    let calls = 0;
    for (const Client of CLASSES) {
      const reference = JSON.parse(readFileSync(join(REPO, 'apis', `${Client.serviceName}.json`), 'utf8')) as ApiReference;
      const client = new Client(options()) as unknown as AnyClient;
      for (const entry of reference.entries) {
        // Values that need encoding: a slash, a space, a non-ASCII letter; numbers pass as they are.
        const args = entry.args.map((name, i) => (i === 1 ? 7 : `${name}/x y-é`));
        const payload = entry.input ? { probe: `${reference.serviceName}.${entry.name}` } : undefined;
        const query = entry.query.length > 0 ? { [entry.query[0]!]: 'a b&c' } : undefined;
        const positional = [...args, ...(payload ? [payload] : []), ...(query ? [query] : [])];
        const keywords = { ...Object.fromEntries(entry.args.map((name, i) => [name, args[i]])), ...(payload && { payload }), ...(query && { query }) };
        const expectedPath = `/api/${reference.serviceName}/${reference.apiVersion}${entry.route.replace(/<([^<>]+)>/g, (_, name: string) =>
          encodeURIComponent(args[entry.args.indexOf(name)]!),
        )}`;
        const forms = Object.keys(keywords).length > 0 ? [positional, [keywords]] : [positional];
        for (const form of forms) {
          const answer = (await client[entry.name]!(...form)) as Echo;
          calls++;
          const what = `${reference.serviceName}.${entry.name}(${JSON.stringify(form)})`;
          assert.equal(answer.method, entry.method.toUpperCase(), what);
          assert.equal(answer.path, expectedPath, what);
          assert.deepEqual(answer.query, query ?? {}, what);
          assert.deepEqual(answer.body, payload, what);
          assert.equal(answer.clientId, ISSUER.clientId, what);
        }
      }
    }
    assert.ok(calls > 300, `made ${calls} calls`);
    assert.equal(server.current.requests.length, calls);
    assert.equal(server.current.refusals.length, 0);
    // Each route argument is one path segment: `/` became %2F.
    assert.ok(server.current.requests.some((r) => r.url.startsWith('/api/queue/v1/task/taskId%2Fx%20y-%C3%A9/runs/7/')));
  });

  it('sends JSON with content-type only when there is a payload, and asks for JSON', async () => {
    const { requests } = server.reset();
    const queue = new Queue(options());
    await queue.task('t1');
    await queue.tasks({ taskIds: ['a', 'b'] });
    assert.equal(requests[0]!.headers['content-type'], undefined);
    assert.equal(requests[0]!.headers.accept, 'application/json');
    assert.equal(requests[1]!.headers['content-type'], 'application/json');
    assert.deepEqual(requests[1]!.body, { taskIds: ['a', 'b'] });
  });

  it('query values: numbers and booleans as text, undefined left out', async () => {
    const queue = new Queue(options());
    server.reset();
    const answer = (await queue.listWorkers('prov', 'type', { limit: 5, quarantined: true, continuationToken: undefined })) as unknown as Echo;
    assert.deepEqual(answer.query, { limit: '5', quarantined: 'true' });
    assert.equal(server.current.requests[0]!.url, '/api/queue/v1/provisioners/prov/worker-types/type/workers?limit=5&quarantined=true');
  });

  it('without credentials, sends no Authorization header', async () => {
    const { requests } = server.reset();
    const answer = (await new Queue({ rootUrl: server.current.rootUrl }).task('t1')) as unknown as Echo;
    assert.equal(answer.clientId, null);
    assert.equal(requests[0]!.headers.authorization, undefined);
    assert.equal(requests[0]!.auth.scheme, 'none');
  });

  it('puts authorizedScopes in ext, and no ext at all without them', async () => {
    const { requests } = server.reset();
    const queue = new Queue(options());
    await queue.task('t1');
    await queue.use({ authorizedScopes: ['queue:get-task:t2'] }).task('t2');
    await queue.use({ authorizedScopes: [] }).task('t3');
    assert.doesNotMatch(requests[0]!.headers.authorization!, /ext=/);
    assert.equal(requests[0]!.auth.scheme === 'hawk' && requests[0]!.auth.ext, undefined);
    assert.deepEqual(requests[1]!.auth.scheme === 'hawk' && requests[1]!.auth.ext, { authorizedScopes: ['queue:get-task:t2'] });
    // An empty list is a restriction too (to no scopes), so it is sent.
    assert.deepEqual(requests[2]!.auth.scheme === 'hawk' && requests[2]!.auth.ext, { authorizedScopes: [] });
  });

  it('use() returns a copy of the same class with changed options, leaving the original alone', async () => {
    const { requests } = server.reset();
    const queue = new Queue(options());
    const anonymous = queue.use({ credentials: undefined });
    assert.ok(anonymous instanceof Queue);
    assert.notEqual(anonymous, queue);
    await anonymous.task('a');
    await queue.task('b');
    assert.deepEqual(
      requests.map((r) => r.auth.scheme),
      ['none', 'hawk'],
    );
  });

  it('answers: JSON parsed, an empty body or other content is undefined, redirects not followed', async () => {
    const queue = new Queue(options());
    server.reset((request, response) => {
      if (request.path.endsWith('/ping')) return void response.writeHead(204).end();
      if (request.path.endsWith('/__version__')) return void response.writeHead(200, { 'content-type': 'text/plain' }).end('v1.2.3');
      if (request.path.includes('/artifacts/')) {
        const body = JSON.stringify({ storageType: 's3', url: 'https://bucket.example.com/x' });
        return void response.writeHead(303, { location: 'https://bucket.example.com/x', 'content-type': 'application/json' }).end(body);
      }
      sendJson(response, 200, { taskGroupId: 'g', nested: { list: [1, 2] } });
    });
    assert.equal(await queue.ping(), undefined);
    assert.equal(await queue.version(), undefined);
    assert.deepEqual(await queue.task('t'), { taskGroupId: 'g', nested: { list: [1, 2] } });
    // getArtifact answers 303 with the artifact's location: that answer is the result.
    assert.deepEqual(await queue.getLatestArtifact('t', 'public/x'), { storageType: 's3', url: 'https://bucket.example.com/x' });
  });

  it('keeps connections alive: 20 sequential calls use at most two sockets', async () => {
    await closeConnections(); // start from an empty pool
    const sockets = new Set<unknown>();
    server.reset((request, response) => {
      sockets.add(response.socket);
      return echo(request, response);
    });
    const queue = new Queue(options());
    for (let i = 0; i < 20; i++) await queue.task(`t${i}`);
    // undici checks an idle socket for a tick before reusing it, so back-to-back
    // calls alternate between two connections (raw undici does the same).
    assert.ok(sockets.size <= 2, `${sockets.size} sockets`);
  });
});
