/** `tc-pulse publish --template`: an example payload that the exchange's schema accepts, for every exchange. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownExchangeReferences } from '../src/cli/catalog.js';
import { payloadTemplate } from '../src/cli/payload-template.js';
import { referenceSchemaPath } from '../src/references/schema-ids.js';
import { packageValidator } from '../src/testing/message-validator.js';

describe('payload templates', () => {
  let checked = 0;
  for (const reference of knownExchangeReferences) {
    for (const entry of reference.entries) {
      it(`${reference.serviceName}.${entry.name}: valid against ${entry.schema}`, () => {
        const template = payloadTemplate(reference, entry);
        packageValidator().validate(entry.exchange, referenceSchemaPath(reference.serviceName, entry.schema), template);
        checked++;
      });
    }
  }
  it('covered all 36 exchanges', () => assert.equal(checked, 36));

  it('picks the enum value the exchange is named after', () => {
    const queue = knownExchangeReferences.find((r) => r.serviceName === 'queue')!;
    const failed = payloadTemplate(queue, queue.entries.find((e) => e.name === 'taskFailed')!) as { status: { state: string; runs: { state: string }[] } };
    assert.equal(failed.status.state, 'failed');
    assert.equal(failed.status.runs[0]!.state, 'failed');
  });
});
