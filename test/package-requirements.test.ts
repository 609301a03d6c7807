/**
 * What the README says a user needs is what package.json declares, and what
 * the dependencies really need: `engines` is at least every production
 * dependency's own `engines.node`, and the README names that version and the
 * one from which `require()` of this ES module works.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './support/project-references.js';

type Version = readonly [number, number, number];
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; engines?: { node?: string } | string[] }>;
};
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

function parse(text: string): Version {
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  assert.ok(match, `not a version: ${text}`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Does `version` satisfy `range`? The forms engines fields use: `>=x.y.z`, `^x.y.z`, `x.y.z`, joined by `||`. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    const text = alternative.trim();
    if (text === '*' || text === '') return true;
    const [, operator = '', bound = ''] = /^(>=|\^)?\s*(\S+)$/.exec(text) ?? [];
    assert.ok(bound, `an engines range this test does not read: ${range}`);
    const lower = parse(bound);
    if (operator === '>=') return compare(version, lower) >= 0;
    if (operator === '^') return version[0] === lower[0] && compare(version, lower) >= 0;
    return compare(version, lower) === 0;
  });
}

const declared = /^>=\s*(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];

describe('Node.js requirements', () => {
  it('package.json declares the lowest version as ">=x.y.z"', () => assert.ok(declared, pkg.engines.node));

  it('every production dependency (direct or not) runs on the lowest declared version', () => {
    const unmet = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional)
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range !== undefined && !satisfies(parse(declared!), range) ? [`${path.slice(13)}@${entry.version} wants node ${range}`] : [];
      });
    assert.deepEqual(unmet, []);
  });

  it('the README states the declared version, and from when require() works', () => {
    assert.match(readme, new RegExp(`Node\\.js ${declared!.replace(/\./g, '\\.')} or later`));
    assert.doesNotMatch(readme, /Node\.js 20\.10/);
    assert.match(readme, /`require\('taskcluster-pulse'\)` works on Node\.js 20\.19 or later \(22\.12 or later on Node 22\)/);
  });

  it('the only dependency wanting a newer Node is a devDependency, and the README says so under Development', () => {
    const newer = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !Array.isArray(entry.engines) && entry.engines?.node && !satisfies(parse(declared!), entry.engines.node))
      .map(([path, entry]) => ({ name: path.slice(13), dev: entry.dev === true }));
    assert.ok(newer.every((dependency) => dependency.dev), JSON.stringify(newer));
    const development = readme.slice(readme.indexOf('## Development'));
    for (const { name } of newer.filter((dependency) => !dependency.name.includes('/node_modules/'))) {
      assert.match(development, new RegExp(`EBADENGINE\` about \`${name}\``), `${name} is explained under Development`);
    }
  });
});
