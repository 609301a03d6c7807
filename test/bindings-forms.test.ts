import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvents, GithubEvents, NotifyEvents, QueueEvents, WorkerManagerEvents } from '../src/index.js';
import { loadExchangeReferences } from './support/project-references.js';

const queue = new QueueEvents();
const TASK_COMPLETED = 'exchange/taskcluster-queue/v1/task-completed';

describe('binding forms', () => {
  it('object form fills named fields and wildcards the rest', () => {
    const binding = queue.taskCompleted({ taskId: 'abc' });
    assert.equal(binding.exchange, TASK_COMPLETED);
    assert.equal(binding.routingKeyPattern, 'primary.abc.*.*.*.*.*.*.*.#');
    assert.equal(binding.name, 'taskCompleted');
    assert.equal(binding.serviceName, 'queue');
    assert.equal(binding.schema, '/schemas/queue/v1/task-completed-message.json');
    assert.deepEqual(
      binding.routingKeyReference.map((k) => k.name),
      ['routingKeyKind', 'taskId', 'runId', 'workerGroup', 'workerId', 'provisionerId', 'workerType', 'schedulerId', 'taskGroupId', 'reserved'],
    );
  });

  it('positional form fills non-constant entries in order and equals the object form', () => {
    assert.deepEqual(queue.taskCompleted('abc'), queue.taskCompleted({ taskId: 'abc' }));
    assert.deepEqual(queue.taskCompleted('abc', 0, 'wg'), queue.taskCompleted({ taskId: 'abc', runId: 0, workerGroup: 'wg' }));
    assert.equal(queue.taskCompleted('abc', 0, 'wg').routingKeyPattern, 'primary.abc.0.wg.*.*.*.*.*.#');
  });

  it('positional undefined skips an entry', () => {
    assert.equal(queue.taskCompleted(undefined, 2).routingKeyPattern, 'primary.*.2.*.*.*.*.*.*.#');
  });

  it('no argument makes every entry a wildcard', () => {
    assert.equal(queue.taskCompleted().routingKeyPattern, 'primary.*.*.*.*.*.*.*.*.#');
    assert.equal(new NotifyEvents().notify().routingKeyPattern, 'primary.#');
  });

  it('an explicit raw pattern is used as given', () => {
    assert.equal(queue.taskCompleted({ routingKeyPattern: 'primary.#' }).routingKeyPattern, 'primary.#');
    assert.equal(queue.taskCompleted({ routingKeyPattern: 'route.index.#' }).routingKeyPattern, 'route.index.#');
  });

  it('numbers become decimal strings', () => {
    assert.equal(queue.taskFailed({ runId: 12 }).routingKeyPattern, 'primary.*.12.*.*.*.*.*.*.#');
  });

  it('multi-word entries take dotted values, in either form', () => {
    assert.equal(new NotifyEvents().notify({ topic: 'a.b.c' }).routingKeyPattern, 'primary.a.b.c');
    assert.equal(new NotifyEvents().notify('a.b').routingKeyPattern, 'primary.a.b');
    assert.equal(queue.taskCompleted({ reserved: 'x.y' }).routingKeyPattern, 'primary.*.*.*.*.*.*.*.*.x.y');
  });

  it('a constant may be restated but never changed', () => {
    assert.equal(queue.taskCompleted({ routingKeyKind: 'primary' } as never).routingKeyPattern, queue.taskCompleted().routingKeyPattern);
  });

  it('exchangePrefix can be overridden for another deployment', () => {
    const staging = new QueueEvents({ exchangePrefix: 'exchange/taskcluster-queue-staging/v1/' });
    assert.equal(staging.taskCompleted().exchange, 'exchange/taskcluster-queue-staging/v1/task-completed');
  });

  it('bindings are plain data', () => {
    const binding = new GithubEvents().pullRequest({ organization: 'mozilla', repository: 'gecko' });
    assert.deepEqual(JSON.parse(JSON.stringify(binding)), binding);
    assert.equal(binding.routingKeyPattern, 'primary.mozilla.gecko.*');
  });

  it('has all 36 exchanges across the six generated classes', () => {
    const counts = loadExchangeReferences().map((r) => [r.serviceName, r.entries.length]);
    assert.deepEqual(counts, [['auth', 6], ['github', 5], ['hooks', 3], ['notify', 1], ['queue', 11], ['worker-manager', 10]]);
    const wm = new WorkerManagerEvents();
    for (const ref of loadExchangeReferences().filter((r) => r.serviceName === 'worker-manager')) {
      for (const entry of ref.entries) {
        assert.equal(typeof (wm as unknown as Record<string, unknown>)[entry.name], 'function', entry.name);
      }
    }
  });
});

describe('createEvents on a reference loaded at run time', () => {
  it('gives the same bindings as the generated classes', () => {
    const runtime = createEvents(loadExchangeReferences().find((r) => r.serviceName === 'queue')!);
    const fn = runtime['taskCompleted']!;
    assert.deepEqual(fn({ taskId: 'abc' }), queue.taskCompleted({ taskId: 'abc' }));
    assert.deepEqual(fn('abc', 1), queue.taskCompleted('abc', 1));
  });

  it('serves a new service without a new release', () => {
    const reference = {
      serviceName: 'shiny',
      apiVersion: 'v1',
      exchangePrefix: 'exchange/taskcluster-shiny/v1/',
      entries: [
        {
          type: 'topic-exchange',
          name: 'thingHappened',
          exchange: 'thing-happened',
          schema: 'v1/thing.json#',
          routingKey: [
            { name: 'routingKeyKind', constant: 'primary', required: true, multipleWords: false },
            { name: 'thingId', required: true, multipleWords: false },
            { name: 'path', required: false, multipleWords: true },
          ],
        },
      ],
    } as const;
    const shiny = createEvents(reference);
    const binding = shiny.thingHappened({ thingId: 't1' });
    assert.equal(binding.exchange, 'exchange/taskcluster-shiny/v1/thing-happened');
    assert.equal(binding.routingKeyPattern, 'primary.t1.#');
    assert.equal(binding.schema, '/schemas/shiny/v1/thing.json');
    assert.equal(shiny.thingHappened('t1', 'a.b').routingKeyPattern, 'primary.t1.a.b');
  });

  it('rejects a malformed reference, naming the field', () => {
    assert.throws(
      () => createEvents({ serviceName: 'x', apiVersion: 'v1', exchangePrefix: 'p/', entries: [{ name: 'a' }] } as never),
      /exchange reference "x": entries\[0\] \(a\)\.exchange must be a non-empty string/,
    );
    assert.throws(() => createEvents({ exchangePrefix: 'p/', entries: [] } as never), /serviceName must be a non-empty string/);
  });
});
