/**
 * Type-level tests of the REST clients, checked by `tsc` (npm run typecheck, and
 * test/types.test.ts, which also proves each `@ts-expect-error` line fails
 * without its directive). Nothing here runs.
 */
import {
  createClient,
  Queue,
  ObjectService,
  type ApiReference,
  type QueueTypes,
} from '../../src/index.js';
// @ts-expect-error the object service is exported as ObjectService, so the global Object is never shadowed
import { Object as ObjectClient } from '../../src/index.js';
import { queueApiReference } from '../../src/generated/apis.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_proof?: T): void => undefined;
declare const queue: Queue;
void ObjectClient;

// Answers are typed from the output schema, in both forms.
const task = queue.task('abc');
assertType<Equal<typeof task, Promise<QueueTypes.Task>>>();
assertType<Equal<typeof task, ReturnType<typeof queue.task>>>();
const byKeyword = queue.task({ taskId: 'abc' });
assertType<Equal<typeof byKeyword, Promise<QueueTypes.Task>>>();
assertType<Equal<Awaited<ReturnType<Queue['ping']>>, unknown>>();

// Route arguments: strings or numbers, all of them, nothing more.
queue.getArtifact('abc', 0, 'public/logs/live.log');
// @ts-expect-error a missing route argument
queue.task();
// @ts-expect-error one argument too many (task takes no payload and no query)
queue.task('abc', {});
// @ts-expect-error a route argument must be a string or number
queue.task(['abc']);
// @ts-expect-error a typo in a keyword
queue.task({ taskid: 'abc' });
// @ts-expect-error positional and keyword forms mixed
queue.getArtifact({ taskId: 'abc', runId: 0 }, 'name');

// Payloads: typed from the input schema.
const request: QueueTypes.CreateTaskRequest = {
  created: '2026-01-01T00:00:00.000Z',
  deadline: '2026-01-02T00:00:00.000Z',
  metadata: { name: 'n', description: 'd', owner: 'o@example.com', source: 'https://example.com' },
  payload: {},
};
queue.createTask('abc', request);
queue.createTask({ taskId: 'abc', payload: request });
// @ts-expect-error a wrong payload type
queue.createTask('abc', { created: 'now' });
// @ts-expect-error a wrong payload type, keyword form
queue.createTask({ taskId: 'abc', payload: { deadline: 1 } });
// @ts-expect-error a missing payload
queue.createTask('abc');
// @ts-expect-error no payload for a method without input
queue.task({ taskId: 'abc', payload: {} });

// Queries: typed with the entry's query keys.
queue.listTaskGroup('group', { limit: 10, continuationToken: 'next' });
queue.listTaskGroup({ taskGroupId: 'group', query: { limit: 10 } });
queue.listProvisioners();
queue.listProvisioners({ limit: 5 });
// @ts-expect-error an unknown query key
queue.listTaskGroup('group', { limt: 10 });
// @ts-expect-error an unknown query key, keyword form
queue.listTaskGroup({ taskGroupId: 'group', query: { limt: 10 } });
// @ts-expect-error a query value must be a string, number or boolean
queue.listTaskGroup('group', { limit: [10] });

// No route args, but a payload: positional payload or keyword {payload, query}.
queue.tasks({ taskIds: ['a'] }, { limit: 2 });
queue.tasks({ payload: { taskIds: ['a'] }, query: { limit: 2 } });
// @ts-expect-error the payload's schema has no such property
queue.tasks({ taskIds: ['a'], extra: true });

// URLs take the method's arguments, in either form.
const url: string = queue.buildUrl(queue.getArtifact, 'abc', 0, 'public/x');
queue.buildUrl(queue.getArtifact, { taskId: 'abc', runId: 0, name: 'public/x' });
queue.buildUrl(queue.ping);
queue.buildSignedUrl(queue.getLatestArtifact, 'abc', 'public/x', { expiration: 60 });
queue.buildSignedUrl(queue.task, { taskId: 'abc' }, { expiration: 60 });
queue.buildSignedUrl(queue.task, 'abc');
void url;
// @ts-expect-error buildUrl checks the arguments like the method does
queue.buildUrl(queue.getArtifact, 'abc');
// @ts-expect-error a method of some other object
queue.buildUrl(() => 1, 'abc');

// Pagination: pages are answers, items their array elements.
async function paging(): Promise<void> {
  for await (const page of queue.pages(queue.listTaskGroup, 'group')) {
    assertType<Equal<typeof page, QueueTypes.ListTaskGroupResponse>>();
  }
  for await (const item of queue.items(queue.listTaskGroup, { taskGroupId: 'group', query: { limit: 100 } })) {
    assertType<Equal<typeof item, QueueTypes.ListTaskGroupResponse['tasks'][number]>>();
  }
  // @ts-expect-error pages() checks the arguments like the method does
  queue.pages(queue.listTaskGroup);
}
void paging;

// Options: rootUrl is required; use() keeps the class.
new ObjectService({ rootUrl: 'https://tc.example.com' });
const restricted: Queue = queue.use({ authorizedScopes: ['queue:get-task:*'] });
void restricted;
// @ts-expect-error rootUrl is required
new Queue({ credentials: { clientId: 'c', accessToken: 't' } });
// @ts-expect-error credentials need an access token
new Queue({ rootUrl: 'https://tc.example.com', credentials: { clientId: 'c' } });
new Queue({ rootUrl: 'https://tc.example.com', credentials: async () => ({ clientId: 'c', accessToken: 't' }) });

// Clients built at run time: names from a const reference, anything from a loaded one.
const typed = createClient(queueApiReference, { rootUrl: 'https://tc.example.com' });
typed.task('abc');
// @ts-expect-error no such method in the queue reference
typed.taskk('abc');
declare const loaded: ApiReference;
// Names are unknown until run time, so a method may be undefined (noUncheckedIndexedAccess).
createClient(loaded, { rootUrl: 'https://tc.example.com' }).anyMethod?.('x');
