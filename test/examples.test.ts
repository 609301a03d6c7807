import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';

const TSX = join(REPO, 'node_modules/.bin/tsx');
const run = (file: string) => execFileSync(TSX, [file], { cwd: REPO, encoding: 'utf8', timeout: 30_000 }).split('\n');

describe('examples run and print what they promise', () => {
  it('examples/first-binding.ts', () => {
    const lines = run('examples/first-binding.ts');
    assert.deepEqual(lines.slice(0, 5), [
      'exchange/taskcluster-queue/v1/task-completed',
      'primary.abc.*.*.*.*.*.*.*.#',
      'true',
      'primary.*.*.*.*.proj-x.linux.*.*.#',
      'primary.#',
    ]);
    assert.match(lines[5]!, /\(field "taskid"\): is not a routing-key field of this exchange/);
    assert.equal(lines[6], 'abc 0 linux');
  });
});

describe('the built package', () => {
  it('imports by its name through package.json exports, as users import it', () => {
    const script = [
      "import { QueueEvents, createEvents, decodeRoutingKey } from 'taskcluster-pulse';",
      "const b = new QueueEvents().taskCompleted('abc');",
      'console.log(b.routingKeyPattern, typeof createEvents, typeof decodeRoutingKey);',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
    assert.equal(out.trim(), 'primary.abc.*.*.*.*.*.*.*.# function function');
  });
});
