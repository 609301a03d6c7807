/**
 * The import rules of ARCHITECTURE.md, checked: no module imports another in a
 * cycle (type imports included), and each folder of src/ imports only from the
 * folders its layer allows. A new dependency between layers is a decision:
 * make it here and in ARCHITECTURE.md together.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import { REPO } from './support/project-references.js';

const SRC = join(REPO, 'src');

/** Which folders each folder of src/ may import from (besides itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  references: [],
  schemas: ['references'],
  bindings: ['references', 'generated'],
  rest: ['references', 'generated'],
  generated: ['references', 'bindings', 'rest'],
  artifacts: ['references', 'rest', 'generated'],
  pulse: ['references', 'bindings', 'schemas', 'rest'],
  'memory-broker': ['bindings', 'pulse'],
  recording: ['bindings', 'pulse'],
  workflows: ['references', 'schemas', 'bindings', 'rest', 'generated', 'artifacts', 'pulse'],
  testing: ['references', 'schemas', 'bindings', 'rest', 'generated', 'artifacts', 'pulse', 'memory-broker', 'recording', 'workflows'],
  cli: ['references', 'schemas', 'bindings', 'rest', 'generated', 'artifacts', 'pulse', 'memory-broker', 'recording', 'workflows', 'testing'],
  '(root)': ['references', 'bindings', 'rest', 'generated', 'artifacts', 'pulse', 'workflows'],
};

/** Generated code extends the hand-written bases: in these folders only the public index may look back up at it. */
const GENERATED_ONLY_FROM_INDEX = ['bindings'];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file (static, re-exports, type-only and dynamic), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'(\.{1,2}\/[^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers.map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? '(root)' : parts[0]!;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => files.includes(target))]));

describe('architecture: the import rules of ARCHITECTURE.md', () => {
  test('the scan sees the code (a broken scan must not pass for a clean one)', () => {
    assert.ok(files.length > 150, `only ${files.length} files under src/`);
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
    assert.ok(edges > files.length, `only ${edges} imports found`);
    assert.ok(graph.get(join(SRC, 'index.ts'))!.includes(join(SRC, 'pulse/index.ts')), 'the root imports src/pulse/index.ts');
  });

  test('no module imports another in a cycle, type imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const target of graph.get(file)!) {
        if (state.get(target) === 'open') cycles.push(stack.slice(stack.indexOf(target)).concat(target).map((f) => relative(SRC, f)).join(' → '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });

  test('each folder imports only from the layers it may', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      const allowed = ALLOWED[from];
      if (!allowed) {
        violations.push(`${relative(SRC, file)}: folder "${from}" has no rule in ALLOWED (add it here and to ARCHITECTURE.md)`);
        continue;
      }
      for (const target of targets) {
        const to = folderOf(target);
        if (to === from) continue;
        if (!allowed.includes(to)) violations.push(`${relative(SRC, file)} imports ${relative(SRC, target)} (${from} may not import ${to})`);
        if (to === 'generated' && GENERATED_ONLY_FROM_INDEX.includes(from) && relative(SRC, file) !== `${from}/index.ts`) {
          violations.push(`${relative(SRC, file)} imports generated code; only ${from}/index.ts may`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  test('the rules themselves have no cycle between folders', () => {
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      (ALLOWED[from] ?? []).some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))));
    // generated ↔ bindings/rest is the one deliberate loop (generated classes extend the bases; only the indexes re-export them).
    const deliberate = new Set(['bindings', 'rest', 'generated']);
    const loops = Object.keys(ALLOWED).filter((folder) => !deliberate.has(folder) && reaches(folder, folder));
    assert.deepEqual(loops, []);
  });
});
