import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FuzzReport } from './support/bindings-fuzz.js';
import { runWithDeadline } from './support/run-with-deadline.js';

/** Replay another run with FUZZ_SEED=<n>; FUZZ_BUDGET_MS sets how long it fuzzes. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 4_000);

describe('bindings fuzz (fixed seed, time-bounded)', () => {
  test(`random objects, prototype names, huge strings, routing keys and patterns (seed ${SEED})`, async () => {
    // In a worker, stopped at the deadline: a call that never returns fails the test instead of hanging it.
    const { value: report } = await runWithDeadline<FuzzReport>(
      new URL('./support/bindings-fuzz.ts', import.meta.url),
      'runBindingsFuzz',
      [SEED, BUDGET_MS],
      BUDGET_MS + 30_000,
    );
    // Both outcomes were exercised, often, for every operation (a matcher only returns).
    for (const [operation, { returned, refused }] of Object.entries(report.counts)) {
      assert.ok(returned >= 25 && (operation === 'match' || refused >= 25), `${operation}: ${returned} returned, ${refused} refused`);
    }
  });
});
