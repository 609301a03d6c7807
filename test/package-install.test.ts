/**
 * The package as users get it: `npm pack` in a clean copy of this repository
 * (the files git tracks or would track, no dist/; node_modules linked in, as
 * after `npm ci`) builds dist/ through `prepare` and packs a tarball, which a
 * new project installs with npm, imports as ESM (root and subpaths), requires
 * from CommonJS, and typechecks against.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO } from './support/project-references.js';

const run = promisify(execFile);
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
/** npm's steps here take seconds; the build in `npm pack` about half a minute on a busy 2-core machine. */
const STEP_TIMEOUT_MS = 240_000;
const SUBPATHS = ['bindings', 'rest', 'pulse', 'testing'] as const;
/** require() of an ES module without a flag: Node 20.19 and 22.12. */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const REQUIRE_ESM = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;

let work = '';
let consumer = '';
let packed: { filename: string; files: { path: string }[] };

async function sh(command: string, args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await run(command, args, { cwd, timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return stdout;
}

/** Runs a script file of the consumer project with node; its stdout, parsed as JSON. */
async function nodeRun(file: string, source: string): Promise<unknown> {
  writeFileSync(join(consumer, file), source);
  return JSON.parse(await sh(process.execPath, [file], consumer));
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'tc-pulse-package-'));
  const clone = join(work, 'clone');
  const files = (await sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], REPO)).split('\0').filter((f) => f !== '' && existsSync(join(REPO, f)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(REPO, file), join(clone, file));
  }
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));
  const [result] = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', work], clone)) as [typeof packed];
  packed = result;

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await sh('npm', ['install', join(work, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], consumer);
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack of a clean copy, installed by a new project', () => {
  test('the tarball has the built code, its declarations, LICENSE, the README and the docs it links; no maps, no sources', () => {
    const paths = new Set(packed.files.map((file) => file.path));
    for (const path of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'docs/testing.md']) {
      assert.ok(paths.has(path), `${path} is packed`);
    }
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    for (const [, link] of readme.matchAll(/\]\(((?:docs|examples)\/[^)#]+)\)/g)) assert.ok(paths.has(link!), `README links ${link}, which is packed`);
    assert.deepEqual([...paths].filter((path) => path.endsWith('.map') || path.startsWith('src/') || path.startsWith('test/')), []);
    assert.match(readFileSync(join(REPO, 'LICENSE'), 'utf8'), /^Mozilla Public License Version 2\.0\n/);
  });

  test('ESM: the root and every subpath import, with their exports', async () => {
    const exported = await nodeRun(
      'esm.mjs',
      `const names = {};
      for (const specifier of ['taskcluster-pulse', ...${JSON.stringify(SUBPATHS)}.map((name) => 'taskcluster-pulse/' + name)]) {
        names[specifier] = Object.keys(await import(specifier)).length;
      }
      const { QueueEvents, Queue, PulseClient } = await import('taskcluster-pulse');
      const { PulsePublisher, queueMessages } = await import('taskcluster-pulse/testing');
      names.binding = new QueueEvents().taskCompleted({ taskId: 'abc' }).routingKeyPattern;
      names.classes = [Queue, PulseClient, PulsePublisher].map((c) => typeof c);
      names.builder = queueMessages.taskGroupResolved({ taskGroupId: 'g' }).fields;
      console.log(JSON.stringify(names));`,
    );
    const counts = exported as Record<string, unknown>;
    for (const specifier of ['taskcluster-pulse', ...SUBPATHS.map((name) => `taskcluster-pulse/${name}`)]) {
      assert.ok((counts[specifier] as number) > 3, `${specifier} exports ${String(counts[specifier])} names`);
    }
    assert.equal(counts.binding, 'primary.abc.*.*.*.*.*.*.*.#');
    assert.deepEqual(counts.classes, ['function', 'function', 'function']);
    assert.deepEqual(counts.builder, { taskGroupId: 'g', schedulerId: '-' });
  });

  test('CommonJS: require() of the root and subpaths (Node 20.19+ / 22.12+)', { skip: !REQUIRE_ESM && `Node ${process.version} cannot require() ES modules` }, async () => {
    const result = await nodeRun(
      'cjs.cjs',
      `const { QueueEvents, slugid } = require('taskcluster-pulse');
      const parts = ${JSON.stringify(SUBPATHS)}.map((name) => Object.keys(require('taskcluster-pulse/' + name)).length > 3);
      console.log(JSON.stringify({ pattern: new QueueEvents().taskFailed({ taskId: 'x' }).routingKeyPattern, slug: slugid().length, parts }));`,
    );
    assert.deepEqual(result, { pattern: 'primary.x.*.*.*.*.*.*.*.#', slug: 22, parts: [true, true, true, true] });
  });

  test('TypeScript: a typed usage compiles against the installed declarations, and a mistake does not', async () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')] },
        files: ['usage.ts'],
      }),
    );
    writeFileSync(
      join(consumer, 'usage.ts'),
      `import { QueueEvents, type PayloadOf, type QueueTypes } from 'taskcluster-pulse';
      import { Queue } from 'taskcluster-pulse/rest';
      import { queueMessages, PulsePublisher } from 'taskcluster-pulse/testing';
      const binding = new QueueEvents().taskCompleted({ taskId: 'abc' });
      const payload: PayloadOf<typeof binding> = queueMessages.taskCompleted({ taskId: 'abc' }).payload;
      const status: QueueTypes.TaskStatus = payload.status;
      const task: Promise<QueueTypes.Task> = new Queue({ rootUrl: 'https://tc.example.com' }).task(status.taskId);
      void task;
      void new PulsePublisher({ url: 'memory://' }).publish(QueueEvents, 'taskCompleted', queueMessages.taskCompleted());
      // @ts-expect-error a misspelt routing-key field is a compile error, so the types are really there
      new QueueEvents().taskCompleted({ taskid: 'abc' });
      `,
    );
    const { stdout } = await run(process.execPath, [TSC, '-p', consumer, '--pretty', 'false'], { cwd: consumer, timeout: STEP_TIMEOUT_MS }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    assert.equal(stdout, '');
  });

  test('the tc-pulse command is installed', async () => {
    assert.match(await sh(join(consumer, 'node_modules/.bin/tc-pulse'), ['--help'], consumer), /tc-pulse/);
  });
});
