import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvents } from '../src/index.js';
import type { ExchangeEntry } from '../src/references/types.js';
import { loadExchangeReferences } from './support/project-references.js';

// The official client (a dev dependency) is the ground truth for patterns. Its
// createClient() accepts any exchange reference, so all 36 exchanges are compared,
// including ones newer than its bundled classes.
const { default: taskcluster } = await import('taskcluster-client');

/** Inputs that exercise every rule: nothing, each field alone (string, number, dotted), all fields. */
function samples(entry: ExchangeEntry): Record<string, string | number>[] {
  const fields = entry.routingKey.filter((k) => k.constant === undefined);
  const out: Record<string, string | number>[] = [{}];
  fields.forEach((key, i) => {
    out.push({ [key.name]: `v${i}` }, { [key.name]: i * 7 });
    if (key.multipleWords) out.push({ [key.name]: 'a.b.c' });
  });
  out.push(Object.fromEntries(fields.map((k, i) => [k.name, k.multipleWords ? 'x.y' : `w${i}`])));
  return out;
}

describe('patterns match taskcluster-client exactly', () => {
  for (const reference of loadExchangeReferences()) {
    it(`${reference.serviceName}: every exchange, every sample`, () => {
      const official = new (taskcluster.createClient(reference))({ rootUrl: 'https://tc.example.com' });
      const ours = createEvents(reference) as Record<string, (arg: unknown) => { exchange: string; routingKeyPattern: string }>;
      let compared = 0;
      for (const entry of reference.entries) {
        for (const sample of samples(entry)) {
          const expected = official[entry.name]!(sample) as { exchange: string; routingKeyPattern: string };
          const actual = ours[entry.name]!(sample);
          assert.equal(actual.exchange, expected.exchange, `${entry.name} ${JSON.stringify(sample)}`);
          assert.equal(actual.routingKeyPattern, expected.routingKeyPattern, `${entry.name} ${JSON.stringify(sample)}`);
          compared++;
        }
      }
      assert.ok(compared >= reference.entries.length * 2);
    });
  }
});
