/**
 * Type-level tests of the fake deployment's override(): method names come
 * from the API references, a success body is the method's output type.
 * Checked by `tsc` (test/types.test.ts); nothing here runs.
 */
import type { QueueTypes } from '../../src/index.js';
import type { FakeTaskcluster } from '../../src/testing/index.js';

declare const fake: FakeTaskcluster;
declare const status: QueueTypes.TaskStatus;

// A success answer carries the method's output, route arguments typed by name.
fake.override('queue.status', () => ({ status: 200, body: { status } }));
fake.override('queue.pendingTasks', (call) => ({
  status: 200,
  body: { taskQueueId: call.params.taskQueueId, provisionerId: 'p', workerType: 'w', pendingTasks: 7 },
}));
fake.override('queue.getLatestArtifact', () => ({ status: 303, body: { storageType: 's3', url: 'https://example.com/a' } }));
// An error status takes any body; undefined leaves the call to the fake.
fake.override('queue.task', (call) => (call.params.taskId === 'x' ? { status: 503, body: { code: 'ServiceUnavailable', message: 'down' } } : undefined));
// Methods without an output schema take any body.
fake.override('queue.ping', () => ({ status: 200, body: { alive: true } }));
// Any service of the references.
fake.override('auth.currentScopes', () => ({ status: 200, body: { scopes: ['queue:*'] } }));

// @ts-expect-error a body that is not the method's output (status wants a {status} object)
fake.override('queue.status', () => ({ status: 200, body: { state: 'completed' } }));
// @ts-expect-error a success answer without its body
fake.override('queue.task', () => ({ status: 200 }));
// @ts-expect-error a misspelt method name
fake.override('queue.tsk', () => undefined);
// @ts-expect-error a route argument the method does not have
fake.override('queue.task', (call) => ({ status: 404, body: call.params.runId }));
// @ts-expect-error not an HTTP status the fake can answer with
fake.override('queue.task', () => ({ status: 99 }));
