/**
 * A small stand-in for a Taskcluster deployment, behind the Hawk-verifying
 * server: it serves `/references/` and `/schemas/` from this project's files (as
 * `fetchReferences` reads a live deployment) and fakes enough of the queue for
 * the examples: tasks kept in memory, task-group listing in pages, artifacts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { echo, sendJson, type Handler } from './hawk-server.js';
import { REPO } from './project-references.js';

/** Serves references and schemas; everything else goes to `api`. */
export function deployment(api: Handler = echo): Handler {
  return (request, response) => {
    const path = request.path;
    if (path === '/references/manifest.json') {
      const references = readdirSync(join(REPO, 'apis')).flatMap((file) => {
        const service = file.replace(/\.json$/, '');
        const urls = [`/references/${service}/v1/api.json`];
        if (existsSync(join(REPO, 'exchanges', file))) urls.push(`/references/${service}/v1/exchanges.json`);
        return urls;
      });
      return sendJson(response, 200, { references });
    }
    const reference = /^\/references\/([\w-]+)\/v1\/(api|exchanges)\.json$/.exec(path);
    if (reference) {
      const dir = reference[2] === 'api' ? 'apis' : 'exchanges';
      return sendJson(response, 200, JSON.parse(readFileSync(join(REPO, dir, `${reference[1]}.json`), 'utf8')));
    }
    if (path.startsWith('/schemas/')) {
      const file = join(REPO, path);
      return existsSync(file) ? sendJson(response, 200, JSON.parse(readFileSync(file, 'utf8'))) : sendJson(response, 404, {});
    }
    return api(request, response);
  };
}

interface StoredTask {
  readonly taskGroupId: string;
  readonly [key: string]: unknown;
}

/** A queue that keeps created tasks in memory; other calls are echoed. */
export function fakeQueue(): Handler {
  const tasks = new Map<string, StoredTask>();
  const statusOf = (taskId: string, task: StoredTask) => ({
    taskId,
    taskGroupId: task.taskGroupId,
    state: 'pending',
    runs: [],
    retriesLeft: 5,
  });
  return (request, response) => {
    const route = request.path.replace(/^\/api\/queue\/v1/, '');
    let match: RegExpExecArray | null;
    if ((match = /^\/task\/([^/]+)$/.exec(route))) {
      const taskId = decodeURIComponent(match[1]!);
      if (request.method === 'PUT') {
        const task = { taskGroupId: taskId, ...(request.body as object) } as StoredTask;
        tasks.set(taskId, task);
        return sendJson(response, 200, { status: statusOf(taskId, task) });
      }
      const task = tasks.get(taskId);
      return task ? sendJson(response, 200, task) : sendJson(response, 404, { code: 'ResourceNotFound', message: `Task ${taskId} not found` });
    }
    if ((match = /^\/task-group\/([^/]+)\/list$/.exec(route))) {
      const group = [...tasks].filter(([, task]) => task.taskGroupId === decodeURIComponent(match![1]!));
      const start = Number(request.query.get('continuationToken') ?? 0);
      const limit = Number(request.query.get('limit') ?? 1000);
      const page = group.slice(start, start + limit).map(([taskId, task]) => ({ task, status: statusOf(taskId, task) }));
      const next = start + limit < group.length ? { continuationToken: String(start + limit) } : {};
      return sendJson(response, 200, { taskGroupId: match[1], schedulerId: '-', expires: '2030-01-01T00:00:00.000Z', tasks: page, ...next });
    }
    if ((match = /^\/task\/([^/]+)\/artifacts\/(.+)$/.exec(route))) {
      return sendJson(response, 200, { type: 'text/plain', name: decodeURIComponent(match[2]!), content: `log of ${decodeURIComponent(match[1]!)}` });
    }
    return echo(request, response);
  };
}
