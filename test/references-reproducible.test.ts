import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startFakeTaskcluster } from '../src/testing/index.js';
import { REPO } from './support/project-references.js';

const BUNDLE = join(REPO, '../shared/references/taskcluster-references.json');
const TSX = join(REPO, 'node_modules/.bin/tsx');

function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json') || f.endsWith('.ts'))
    .map((f) => join(dir, f))
    .sort();
}

function assertSameTree(expectedDir: string, actualDir: string): number {
  const expected = listFiles(expectedDir).map((f) => relative(expectedDir, f));
  const actual = listFiles(actualDir).map((f) => relative(actualDir, f));
  assert.deepEqual(actual, expected, `file lists differ under ${relative(REPO, expectedDir)}`);
  for (const file of expected) {
    assert.ok(
      readFileSync(join(actualDir, file)).equals(readFileSync(join(expectedDir, file))),
      `${relative(REPO, expectedDir)}/${file} is not byte-identical; run \`npm run references\` and commit`,
    );
  }
  return expected.length;
}

describe('reference derivation is reproducible', { skip: !existsSync(BUNDLE) && `no bundle at ${BUNDLE}` }, () => {
  const out = mkdtempSync(join(tmpdir(), 'tc-pulse-references-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('regenerating from the bundle gives the committed files, byte for byte', () => {
    execFileSync(TSX, ['scripts/references.ts', '--bundle', BUNDLE, '--out', out], { cwd: REPO, stdio: 'pipe' });
    let files = 0;
    for (const dir of ['exchanges', 'apis', 'schemas', 'src/generated']) files += assertSameTree(join(REPO, dir), join(out, dir));
    assert.ok(files > 200, `compared ${files} files`);
  });

  it('keeps facts and drops prose', () => {
    const queue = JSON.parse(readFileSync(join(out, 'exchanges/queue.json'), 'utf8'));
    assert.equal(queue.entries.length, 11);
    assert.equal(queue.description, undefined);
    assert.equal(queue.title, undefined);
    for (const entry of queue.entries) {
      assert.equal(entry.description, undefined);
      for (const key of entry.routingKey) assert.equal(key.summary, undefined);
    }
    // A property called "description" is data, not prose, and stays.
    const metadata = JSON.parse(readFileSync(join(out, 'schemas/queue/v1/task-metadata.json'), 'utf8'));
    assert.deepEqual(Object.keys(metadata.properties).sort(), ['description', 'name', 'owner', 'source']);
    assert.equal(metadata.properties.description.description, undefined);
    assert.equal(metadata.properties.description.type, 'string');
    const bundleText = readFileSync(BUNDLE, 'utf8');
    assert.ok(bundleText.includes('"description"'), 'the bundle has prose to drop');
  });
});

describe('reference derivation from a live deployment', () => {
  const out = mkdtempSync(join(tmpdir(), 'tc-pulse-references-live-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('reading <rootUrl>/references/manifest.json gives the same files as the bundle', async () => {
    // The fake deployment serves this project's reference files the way a deployment serves its
    // own: a manifest, then each reference, then the schemas they use, fetched one by one.
    const deployment = await startFakeTaskcluster();
    try {
      await promisify(execFile)(TSX, ['scripts/references.ts', '--root-url', deployment.rootUrl, '--out', out], { cwd: REPO });
    } finally {
      await deployment.close();
    }
    let files = 0;
    for (const dir of ['exchanges', 'apis', 'schemas', 'src/generated']) files += assertSameTree(join(REPO, dir), join(out, dir));
    assert.ok(files > 200, `compared ${files} files`);
  });
});
