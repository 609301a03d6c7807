import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiArgumentError, createClient, Queue, TaskclusterError, type ApiReference } from '../src/index.js';
import { sendJson, type Handler } from './support/hawk-server.js';
import { REPO } from './support/project-references.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

/** Serves `pages` of a list, chained by continuation tokens; `last` is the final page's token field. */
function pagedList(key: string, pages: string[][], last: Record<string, unknown> = {}): Handler {
  return (request, response) => {
    if (request.path.endsWith('/missing/list')) return sendJson(response, 404, { code: 'ResourceNotFound', message: 'no such group' });
    const index = Number(request.query.get('continuationToken')?.replace('page-', '') ?? '0');
    const more = index + 1 < pages.length ? { continuationToken: `page-${index + 1}` } : last;
    sendJson(response, 200, { taskGroupId: 'g', [key]: pages[index], ...more });
  };
}

describe('pagination', () => {
  const server = useHawkServer();
  const queue = () => new Queue({ rootUrl: server.current.rootUrl, credentials: ISSUER, retries: 0 });

  it('pages() follows continuation tokens until none is left, keeping the other query keys', async () => {
    const { requests } = server.reset(pagedList('tasks', [['a', 'b'], ['c'], ['d']]));
    const q = queue();
    const pages = [];
    for await (const page of q.pages(q.listTaskGroup, 'g', { limit: 2 })) pages.push(page.tasks);
    assert.deepEqual(pages, [['a', 'b'], ['c'], ['d']]);
    assert.deepEqual(
      requests.map((r) => r.url),
      [
        '/api/queue/v1/task-group/g/list?limit=2',
        '/api/queue/v1/task-group/g/list?limit=2&continuationToken=page-1',
        '/api/queue/v1/task-group/g/list?limit=2&continuationToken=page-2',
      ],
    );
  });

  it('items() yields the elements of each page, in order (keyword form too)', async () => {
    server.reset(pagedList('tasks', [['a', 'b'], [], ['c']]));
    const q = queue();
    const items = [];
    for await (const item of q.items(q.listTaskGroup, { taskGroupId: 'g' })) items.push(item);
    assert.deepEqual(items, ['a', 'b', 'c']);
  });

  it('an empty continuation token ends the list', async () => {
    const { requests } = server.reset(pagedList('tasks', [['a'], ['b']], { continuationToken: '' }));
    const q = queue();
    const items = [];
    for await (const item of q.items(q.listTaskGroup, 'g')) items.push(item);
    assert.deepEqual(items, ['a', 'b']);
    assert.equal(requests.length, 2);
  });

  it('starts from a given token, and asks for nothing more when the loop stops early', async () => {
    const { requests } = server.reset(pagedList('tasks', [['a'], ['b'], ['c'], ['d']]));
    const q = queue();
    const iterator = q.pages(q.listTaskGroup, 'g', { continuationToken: 'page-1' });
    assert.equal(requests.length, 0, 'nothing is fetched before iterating');
    for await (const page of iterator) {
      assert.deepEqual(page.tasks, ['b']);
      break;
    }
    assert.deepEqual(
      requests.map((r) => r.query.get('continuationToken')),
      ['page-1'],
    );
  });

  it('POST lists send the payload with every page', async () => {
    const { requests } = server.reset(pagedList('tasks', [['a'], ['b']]));
    const q = queue();
    const items = [];
    for await (const item of q.items(q.tasks, { taskIds: ['a', 'b'] }, { limit: 1 })) items.push(item);
    assert.deepEqual(items, ['a', 'b']);
    assert.deepEqual(
      requests.map((r) => [r.method, r.url, r.body]),
      [
        ['POST', '/api/queue/v1/tasks?limit=1', { taskIds: ['a', 'b'] }],
        ['POST', '/api/queue/v1/tasks?limit=1&continuationToken=page-1', { taskIds: ['a', 'b'] }],
      ],
    );
  });

  it('a failing page fails the iteration with the TaskclusterError', async () => {
    server.reset(pagedList('tasks', [['a']]));
    const q = queue();
    await assert.rejects(async () => {
      for await (const _ of q.items(q.listTaskGroup, 'missing')) void _;
    }, (error: unknown) => error instanceof TaskclusterError && error.statusCode === 404 && error.code === 'ResourceNotFound');
  });

  // Servers that go round in circles: the token each answer carries, keyed by the token asked with ('' for none).
  const loops: [string, Record<string, string>, object, number][] = [
    ['the same token again', { '': 't1', t1: 't1' }, {}, 2],
    ['a token seen two pages ago', { '': 't1', t1: 't2', t2: 't1' }, {}, 3],
    ['the starting token', { t0: 't0' }, { continuationToken: 't0' }, 1],
  ];
  for (const [what, next, query, asked] of loops) {
    it(`stops with InvalidResponse when the server repeats ${what}, instead of looping forever`, async () => {
      const { requests } = server.reset((request, response) =>
        sendJson(response, 200, { tasks: [requests.length], continuationToken: next[request.query.get('continuationToken') ?? ''] }),
      );
      const q = queue();
      const seen: unknown[] = [];
      const deadline = AbortSignal.timeout(2000); // without the check, the loop would only end here
      await assert.rejects(
        async () => {
          for await (const item of q.items(q.listTaskGroup, 'g', query)) {
            seen.push(item);
            deadline.throwIfAborted();
          }
        },
        (error: unknown) => {
          assert.ok(error instanceof TaskclusterError, String(error));
          assert.equal(error.code, 'InvalidResponse');
          assert.equal(error.statusCode, 200);
          assert.equal(error.method, 'queue.listTaskGroup');
          assert.match(error.message, /repeats continuationToken "t\d", already followed/);
          return true;
        },
      );
      assert.equal(requests.length, asked);
      assert.deepEqual(seen, Array.from({ length: asked - 1 }, (_, i) => i + 1), 'the pages before the repeat were yielded');
    });
  }

  it('refuses, before any request, a method without continuationToken or bad arguments', () => {
    const { requests } = server.reset();
    const q = queue();
    assert.throws(() => q.pages(q.task, 't'), (error: unknown) => error instanceof ApiArgumentError && /needs a method taking continuationToken/.test(error.rule));
    assert.throws(() => q.items(q.listTaskGroup, 'g', { limt: 1 } as never), /query\.limt/);
    assert.equal(requests.length, 0);
  });

  it('clients built at run time find the items array in the page itself', async () => {
    server.reset(pagedList('tasks', [['a'], ['b']]));
    const reference = JSON.parse(readFileSync(join(REPO, 'apis/queue.json'), 'utf8')) as ApiReference;
    const dynamic = createClient(reference, { rootUrl: server.current.rootUrl, credentials: ISSUER });
    const items: unknown[] = [];
    for await (const item of dynamic.items(dynamic.listTaskGroup!, 'g')) items.push(item);
    assert.deepEqual(items, ['a', 'b']);
    // Two arrays in a page: which one is meant cannot be told.
    server.reset((_request, response) => sendJson(response, 200, { tasks: [], more: [] }));
    await assert.rejects(async () => {
      for await (const _ of dynamic.items(dynamic.listTaskGroup!, 'g')) void _;
    }, /items\(\) needs exactly one array property in a page \(found tasks, more\); use pages\(\)/);
  });
});
