/**
 * Redaction takes time linear in its input, whatever the input: error texts
 * quote data an attacker may shape (a malformed message body, a server's
 * answer), and a regex that backtracks on it would stall every error path.
 * Each entry point gets inputs aimed at each pattern of src/rest/redaction.ts
 * (and of url-user-info.ts); 100 KB must take well under a second, and twice
 * the input must take about twice the time, not four times.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { PulseError, redactCredentials, redactInPlace } from '../src/pulse/error-json.js';
import { redactSignatures, redactText, redactUrl } from '../src/rest/redaction.js';
import { TaskclusterError } from '../src/rest/taskcluster-error.js';

const SIZE = 100_000;
/** A linear pass over 100 KB takes milliseconds; a quadratic one, seconds. */
const MAX_MS = 1_000;
/** Linear time doubles with the input, quadratic time quadruples: the bound sits between, with room for noise. */
const MAX_GROWTH = 3;
/**
 * Time a call on the longer text may take beyond that, whatever the pattern:
 * V8 grows its regex stack and collects garbage in steps, a few ms (more on a
 * busy machine) that are no quadratic time: that would be seconds here.
 */
const SLACK_MS = 10;

/** `head`, then `unit` repeated up to `size` characters. */
function shape(head: string, unit: string): (size: number) => string {
  return (size) => head + unit.repeat(Math.ceil((size - head.length) / unit.length));
}

/** Inputs that make a backtracking regex read the same stretch again from each of its characters. */
const SHAPES: Readonly<Record<string, (size: number) => string>> = {
  // JSON_FIELD: runs of `\` before the `"` it needs, and field names that lead nowhere.
  backslashes: shape('', '\\'),
  'backslashes after a colon': shape(':', '\\'),
  'backslashes after a secret field name': shape('"token":', '\\'),
  'backslashes as a secret field value': shape('"token":"', '\\'),
  'spaces after a secret field name': shape('"token"', ' '),
  quotes: shape('', '"'),
  'escaped quotes': shape('', '\\"'),
  'accessToken\\" repeated': shape('', 'accessToken\\"'),
  '\\"accessToken\\": repeated': shape('', '\\"accessToken\\":'),
  '"token":"\\ repeated': shape('', '"token":"\\'),
  // HAWK_HEADER and MAC_ATTRIBUTE: attribute values that never close.
  'Hawk id=" repeated': shape('', 'Hawk id="'),
  'backslashes as a Hawk attribute value': shape('Hawk id="', '\\'),
  'backslashes after a Hawk attribute name': shape('Hawk id=', '\\'),
  'spaces after Hawk': shape('Hawk', ' '),
  'letters after Hawk': shape('Hawk ', 'a'),
  'Hawk attributes without an end': shape('Hawk ', 'a="b", '),
  '%25 as a Hawk attribute value': shape('Hawk id="', '%25'),
  'mac=" repeated': shape('', 'mac="'),
  'mac=\\" repeated': shape('', 'mac=\\"'),
  'backslashes as a MAC': shape('mac="', '\\'),
  'backslashes after mac=': shape('mac=', '\\'),
  'a %2525… run after mac=': shape('mac=%', '25'),
  // QUERY_PARAMETER: encoding runs and parameter names.
  'a %2525… run': shape('%', '25'),
  '%25 repeated': shape('', '%25'),
  'percent signs': shape('', '%'),
  'equals signs': shape('', '='),
  '?bewit repeated': shape('', '?bewit'),
  '?bewit= repeated': shape('', '?bewit='),
  '&bewit%3D repeated': shape('', '&bewit%3D'),
  'a %2525… run as a bewit': shape('?bewit=%', '25'),
  // URL user info.
  'backslashes after a scheme': shape('https:', '\\'),
  'a:// repeated': shape('', 'a://'),
  'user info repeated': shape('', 'a://b:c@'),
};

class HostileError extends PulseError {}

/** Every way into redaction that an error message, a log line or an error's JSON takes. */
const ENTRY_POINTS: Readonly<Record<string, (text: string) => unknown>> = {
  redactSignatures,
  redactText: (text) => redactText(text, ['s3cret']),
  redactUrl,
  redactCredentials,
  redactInPlace: (text) => redactInPlace(new Error(text)),
  "a Pulse error's toJSON": (text) => new HostileError(text, { cause: new Error(text) }).toJSON(),
  'a TaskclusterError, inspected': (text) => inspect(new TaskclusterError({ method: 'queue.task', url: text, code: 'Echo', reason: text, attempts: 1 })),
};

/** One call's time, in ms. */
function timeOnce(run: (text: string) => unknown, text: string): number {
  const started = performance.now();
  run(text);
  return performance.now() - started;
}

/**
 * The fastest of many calls on `small` and on `large`, taken in turns for at
 * least 30 ms: the call that neither a busy machine nor V8 warming up to a
 * longer text slowed down.
 */
function fastest(run: (text: string) => unknown, small: string, large: string): { small: number; large: number } {
  const best = { small: Infinity, large: Infinity };
  const started = performance.now();
  for (let round = 0; round < 5 || performance.now() - started < 30; round++) {
    best.small = Math.min(best.small, timeOnce(run, small));
    best.large = Math.min(best.large, timeOnce(run, large));
  }
  return best;
}

for (const [entry, run] of Object.entries(ENTRY_POINTS)) {
  describe(`${entry} takes linear time on hostile input`, () => {
    for (const [name, make] of Object.entries(SHAPES)) {
      test(name, () => {
        const text = make(SIZE);
        // One call first: on quadratic code it alone takes seconds, and the test should fail without more of them.
        const once = timeOnce(run, text);
        assert.ok(once < MAX_MS, `${name}: ${Math.round(once)} ms for ${text.length} characters`);
        const best = fastest(run, text, make(2 * SIZE));
        const ms = `${best.small.toFixed(2)} ms, then ${best.large.toFixed(2)} ms for twice the input`;
        assert.ok(best.large < MAX_GROWTH * best.small + SLACK_MS, `${name}: ${ms}`);
      });
    }
  });
}

describe('redaction fails closed on a text too large for the regex engine', () => {
  // 16 MB of percent-escapes after a bewit made V8 throw "Maximum call stack size exceeded".
  const huge = `GET /x?bewit=${'%25'.repeat(5_500_000)} refused`;
  const entryPoints: Readonly<Record<string, (text: string) => string>> = { redactSignatures, redactText, redactCredentials };
  for (const [name, redact] of Object.entries(entryPoints)) {
    test(`${name}: the text is withheld, not thrown on`, () => {
      const out = redact(huge);
      assert.ok(!out.includes('%25%25'), 'no part of the bewit survives');
      assert.ok(out.length < 1_000, `a short placeholder, got ${out.length} characters`);
    });
  }
});
