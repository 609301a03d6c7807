import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';

/**
 * README code must not rot: every TypeScript block names the example file it
 * comes from (`// examples/x.ts` on its first line) and must appear there verbatim;
 * the examples themselves are run by test/examples.test.ts and others.
 */
describe('README code blocks', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has TypeScript examples', () => assert.ok(blocks.length > 0));

  blocks.forEach((block, i) => {
    const [first, ...rest] = block.split('\n');
    it(`block ${i + 1} (${first}) is taken verbatim from its example file`, () => {
      const match = /^\/\/ (examples\/[\w./-]+\.ts)$/.exec(first ?? '');
      assert.ok(match, `block ${i + 1} must start with "// examples/<file>.ts", got: ${first}`);
      const file = join(REPO, match[1]!);
      assert.ok(existsSync(file), `${match[1]} does not exist`);
      assert.ok(readFileSync(file, 'utf8').includes(rest.join('\n').trimEnd()), `block ${i + 1} differs from ${match[1]}`);
    });
  });
});
