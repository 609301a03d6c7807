import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';

const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const DIR = join(REPO, 'test/types');
const DIRECTIVE = '// @ts-expect-error';

function tsc(project: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [TSC, '-p', project, '--pretty', 'false'], { cwd: REPO, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('type-level tests', () => {
  it('the fixtures compile, every @ts-expect-error line included', () => {
    const { status, output } = tsc(join(DIR, 'tsconfig.json'));
    assert.equal(status, 0, output);
  });

  // Guards the guard: with the directives removed, each marked line must be an error.
  for (const fixture of readdirSync(DIR).filter((f) => f.endsWith('.types.ts'))) {
    it(`${fixture}: each @ts-expect-error line really fails to compile without its directive`, () => {
      const lines = readFileSync(join(DIR, fixture), 'utf8').split('\n');
      const expected = new Set<number>();
      const stripped = lines.map((line, i) => {
        if (!line.trim().startsWith(DIRECTIVE)) return line;
        expected.add(i + 1); // the directive is replaced by a blank line, so the next line keeps its number
        return '';
      });
      assert.ok(expected.size > 0, 'the fixture has expected errors');
      const copy = join(DIR, `.negative-${fixture}`);
      const project = join(DIR, '.negative-tsconfig.json');
      writeFileSync(copy, stripped.join('\n'));
      writeFileSync(project, JSON.stringify({ extends: './tsconfig.json', include: [`./.negative-${fixture}`] }));
      try {
        const { output } = tsc(project);
        const failing = new Set([...output.matchAll(/\.negative-[^(]+\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]) - 1));
        for (const line of expected) {
          assert.ok(failing.has(line), `line ${line + 1} of ${fixture} compiles without its directive:\n${lines[line]}\n${output}`);
        }
      } finally {
        rmSync(copy, { force: true });
        rmSync(project, { force: true });
      }
    });
  }
});
