import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';

/** docs/rest.md quotes the REST examples (which test/rest-examples.test.ts runs): each block must be a verbatim excerpt. */
describe('docs/rest.md code', () => {
  const doc = readFileSync(join(REPO, 'docs/rest.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n(\/\/ (examples\/rest-[\w-]+\.ts)\n)?([\s\S]*?)```/g)];

  it('has an example block for each topic', () => assert.ok(blocks.length >= 7, `${blocks.length} blocks`));

  for (const [index, block] of blocks.entries()) {
    const [, header, file, body] = block;
    it(`block ${index + 1} (${file ?? 'no source'}) is an excerpt of its example`, () => {
      assert.ok(header && file, `block ${index + 1} must start with "// examples/rest-<name>.ts"`);
      assert.ok(readFileSync(join(REPO, file), 'utf8').includes(body!.trimEnd()), `block ${index + 1} differs from ${file}`);
    });
  }
});
