/**
 * Why importing the package is cheap (`npm run bench:import` measures how cheap):
 * its heavy dependencies load when first needed, and RxJS is imported piece by
 * piece rather than through its root, which loads every operator. Those narrow
 * imports must still be RxJS's own classes: a bot pipes our observables through
 * operators from 'rxjs', and returns its own observables to consume().
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { delay, filter, firstValueFrom, map, Observable, of, take, toArray } from 'rxjs';
import { discardMemoryBroker, PulseClient, PulsePublisher, QueueEvents, slugid } from '../src/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { REPO } from './support/project-references.js';

/** Runs `code` as an ES module in a fresh node (no tsx), from the repository, so 'taskcluster-pulse' is the built dist. */
function runBuilt(code: string): unknown {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8' }));
}

/** Packages whose code a fresh process has loaded through CommonJS after `import('taskcluster-pulse')`. */
const LOADED_BY_IMPORT = `
  import { createRequire } from 'node:module';
  await import('taskcluster-pulse');
  const files = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('/node_modules/'));
  console.log(JSON.stringify(files.map((file) => file.slice(file.lastIndexOf('/node_modules/') + 14))));
`;

describe('importing the built package', () => {
  const loaded = runBuilt(LOADED_BY_IMPORT) as string[];
  const packages = new Set(loaded.map((file) => file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/')));

  test('loads no heavy dependency until it is used', () => {
    for (const lazy of ['amqplib', 'ajv', 'ajv-formats', 'hawk', '@hapi/hoek', 'undici']) {
      assert.ok(!packages.has(lazy), `${lazy} is loaded on import: ${loaded.filter((file) => file.startsWith(lazy)).join(', ')}`);
    }
  });

  test("loads RxJS's Observable, but not its root with every operator", () => {
    // The first assertion shows the probe sees CommonJS modules at all.
    assert.ok(loaded.includes('rxjs/dist/cjs/internal/Observable.js'), loaded.join(', '));
    assert.ok(!loaded.includes('rxjs/dist/cjs/index.js'), 'rxjs/dist/cjs/index.js is loaded');
    assert.ok(!loaded.some((file) => file.startsWith('rxjs/dist/cjs/internal/operators/')), 'RxJS operators are loaded');
  });

  test("listen() and consume() return the Observable class of the user's 'rxjs'", () => {
    const result = runBuilt(`
      import { Observable } from 'rxjs';
      const { PulseClient, QueueEvents } = await import('taskcluster-pulse');
      const pulse = new PulseClient({ url: 'memory://never-connected' });
      const binding = new QueueEvents().taskCompleted();
      console.log(JSON.stringify([pulse.listen(binding) instanceof Observable, pulse.consume(binding, () => {}) instanceof Observable]));
    `);
    assert.deepEqual(result, [true, true]);
  });
});

describe("the client's observables with the user's RxJS", () => {
  const url = `memory://rxjs-identity-${randomBytes(4).toString('hex')}`;
  const pulse = new PulseClient({ url });
  const publisher = new PulsePublisher({ url });
  const events = new QueueEvents();
  after(async () => {
    await publisher.close();
    await pulse.close();
    discardMemoryBroker(url);
  });

  const publishCompleted = (taskIds: readonly string[]) =>
    Promise.all(taskIds.map((taskId) => publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId) })));

  test('listen() is an rxjs Observable that takes operators imported from rxjs', async () => {
    await publisher.declareExchanges(QueueEvents, ['taskCompleted']);
    const stream = pulse.listen(events.taskCompleted());
    assert.ok(stream instanceof Observable);
    const [first, skipped, second] = [slugid(), slugid(), slugid()];
    const consuming = new Promise((resolve) => pulse.once('consuming', resolve));
    const taskIds = firstValueFrom(
      stream.pipe(
        map((message) => message.fields.taskId),
        filter((taskId) => taskId !== skipped),
        take(2),
        toArray(),
      ),
    );
    await consuming;
    await publishCompleted([first!, skipped!, second!]);
    assert.deepEqual(await taskIds, [first, second]);
  });

  test('consume() settles a handler that returns an observable made with rxjs', async () => {
    const outcomes = pulse.consume(events.taskCompleted(), (message) => of(`handled ${message.fields.taskId}`).pipe(delay(1)));
    assert.ok(outcomes instanceof Observable);
    const consuming = new Promise((resolve) => pulse.once('consuming', resolve));
    const outcome = firstValueFrom(outcomes);
    await consuming;
    const taskId = slugid();
    await publishCompleted([taskId]);
    const handled = await outcome;
    assert.equal(handled.status, 'handled');
    assert.equal(handled.status === 'handled' ? handled.result : undefined, `handled ${taskId}`);
  });
});
