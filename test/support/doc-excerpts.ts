import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './project-references.js';

/**
 * Tests that every ```ts block of a doc starts with `// <file>` naming a
 * tested file in examples/ or test/, and is a verbatim excerpt of it, so the
 * docs cannot drift from code that runs.
 */
export function describeDocExcerpts(doc: string, minimumBlocks: number): void {
  describe(`${doc} code`, () => {
    const text = readFileSync(join(REPO, doc), 'utf8');
    const blocks = [...text.matchAll(/```ts\n(\/\/ ((?:examples|test)\/[\w./-]+\.ts)\n)?([\s\S]*?)```/g)];

    it(`has at least ${minimumBlocks} code blocks`, () => assert.ok(blocks.length >= minimumBlocks, `${blocks.length} blocks`));

    for (const [index, [, header, file, body]] of blocks.entries()) {
      it(`block ${index + 1} (${file ?? 'no source'}) is an excerpt of a tested file`, () => {
        assert.ok(header && file, `block ${index + 1} must start with "// examples/<name>.ts" (or a test file)`);
        assert.ok(readFileSync(join(REPO, file), 'utf8').includes(body!.trimEnd()), `block ${index + 1} differs from ${file}`);
      });
    }
  });
}
