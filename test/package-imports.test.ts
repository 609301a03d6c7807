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
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { delay, filter, firstValueFrom, map, Observable, of, take, toArray } from 'rxjs';
import { PulseClient, QueueEvents, slugid } from '../src/index.js';
import { discardMemoryBroker, PulsePublisher } from '../src/testing/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { REPO } from './support/project-references.js';

/** Runs `code` as an ES module in a fresh node (no tsx), from the repository, so 'taskcluster-pulse' is the built dist. */
function runBuilt(code: string): unknown {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8' }));
}

/** Files of dependencies (`rxjs/dist/cjs/index.js`) a fresh process has loaded through CommonJS after importing `specifier`. */
function loadedByImport(specifier: string): string[] {
  return runBuilt(`
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(specifier)});
    const files = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('/node_modules/'));
    console.log(JSON.stringify(files.map((file) => file.slice(file.lastIndexOf('/node_modules/') + 14))));
  `) as string[];
}

function packagesOf(files: readonly string[]): Set<string> {
  return new Set(files.map((file) => file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/')));
}

const SUBPATHS = ['bindings', 'rest', 'pulse', 'testing', 'artifacts', 'workflows'] as const;

describe('importing the built package', () => {
  const loaded = loadedByImport('taskcluster-pulse');
  const packages = packagesOf(loaded);

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
      // Never connects: listen() and consume() are cold.
      const pulse = new PulseClient({ url: 'amqp://guest:guest@127.0.0.1:1' });
      const binding = new QueueEvents().taskCompleted();
      console.log(JSON.stringify([pulse.listen(binding) instanceof Observable, pulse.consume(binding, () => {}) instanceof Observable]));
    `);
    assert.deepEqual(result, [true, true]);
  });
});

describe('the entry points taskcluster-pulse/bindings, /rest, /pulse and /testing', () => {
  // Each part has plumbing of its own besides (test/root-exports.test.ts says which), and /testing is only there.
  test('export the very objects of the root, and together all of it but fetchReferences', () => {
    const { missing, different } = runBuilt(`
      const root = await import('taskcluster-pulse');
      const parts = await Promise.all(${JSON.stringify(SUBPATHS)}.map((name) => import('taskcluster-pulse/' + name)));
      const different = parts.flatMap((part) => Object.keys(part).filter((key) => key in root && part[key] !== root[key]));
      const missing = Object.keys(root).filter((key) => !parts.some((part) => key in part));
      console.log(JSON.stringify({ missing, different }));
    `) as { missing: string[]; different: string[] };
    assert.deepEqual(different, []);
    assert.deepEqual(missing, ['fetchReferences']);
  });

  test('have declaration files where the exports map says', () => {
    const exportsMap = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string }> }).exports;
    for (const name of SUBPATHS) {
      const types = exportsMap[`./${name}`]?.types;
      assert.ok(types && existsSync(join(REPO, types)), `./${name}: ${types}`);
    }
  });

  test('/rest and /bindings load nothing of RxJS or the Pulse client', () => {
    for (const name of ['rest', 'bindings']) {
      const packages = packagesOf(loadedByImport(`taskcluster-pulse/${name}`));
      assert.deepEqual([...packages].filter((dependency) => dependency === 'rxjs' || dependency === 'eventemitter3'), [], name);
    }
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
