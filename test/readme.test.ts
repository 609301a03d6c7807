import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

describe('README CLI lines', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const lines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.split('\n'))
    .filter((line) => line.startsWith('tc-pulse '))
    .map((line) => line.replace(/\s+#.*$/, '').trim());

  it('has tc-pulse examples', () => assert.ok(lines.length >= 5, lines.join('\n')));

  for (const line of lines) {
    const args = line.split(/\s+/).slice(1);
    // Offline commands run for real; the others must at least parse: their command exists and
    // their flags are known (checked with --help, which exits before any network I/O).
    const offline = args[0] === 'bindings' || args[0] === 'list';
    it(`${line} ${offline ? 'runs' : 'is a known command'}`, () => {
      const result = spawnSync(process.execPath, [join(REPO, 'dist/cli/main.js'), ...(offline ? args : [args[0]!, '--help'])], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
      assert.equal(result.status, 0, result.stderr);
      if (!offline) {
        for (const flag of args.filter((a) => a.startsWith('--'))) {
          const known = result.stdout.includes(flag) || /--<field>/.test(result.stdout);
          assert.ok(known, `${flag} is not in "tc-pulse ${args[0]} --help"`);
        }
      }
    });
  }
});
