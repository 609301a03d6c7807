/**
 * URL user info masked the same way on both public paths: the REST side's
 * `redactText` (all of it) and Pulse's `redactCredentials` and error JSON
 * (the user name kept). One table of inputs; neither path may let a password
 * through that the other catches.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorJson, redactCredentials } from '../src/pulse/error-json.js';
import { redactText } from '../src/rest/redaction.js';

interface Case {
  readonly name: string;
  readonly text: string;
  /** Must appear on neither path, in any form the text holds. */
  readonly passwords: readonly string[];
  /** Pulse's path keeps these user names (as written in the text). */
  readonly users: readonly string[];
  /** Text around the URLs that both paths keep. */
  readonly kept?: readonly string[];
}

const CASES: readonly Case[] = [
  { name: 'raw', text: 'connect amqps://bot:s3cret@pulse.example.com:5671/vhost failed', passwords: ['s3cret'], users: ['bot'], kept: ['@pulse.example.com:5671/vhost failed'] },
  { name: 'URL-encoded', text: `redirect=${encodeURIComponent('https://bot:s3cret@tc.example.com/x')}&a=b`, passwords: ['s3cret'], users: ['bot'], kept: ['%40tc.example.com%2Fx&a=b'] },
  {
    name: 'URL-encoded twice',
    text: `redirect=${encodeURIComponent(encodeURIComponent('https://bot:s3cret@tc.example.com/x'))}`,
    passwords: ['s3cret'],
    users: ['bot'],
    kept: ['%2540tc.example.com'],
  },
  { name: 'encoded scheme, raw user info', text: 'next=https%3A%2F%2Fbot:s3cret@tc.example.com', passwords: ['s3cret'], users: ['bot'] },
  { name: 'password holding @ / ? # :', text: 'amqps://bot:p@ss/w?r#d:x@pulse.example.com/v', passwords: ['p@ss/w?r#d:x', 'ss/w?r#d:x'], users: ['bot'], kept: ['@pulse.example.com/v'] },
  { name: 'password holding percent-escapes', text: 'amqps://bot:p%40ss%2Fw%3Ard@pulse.example.com', passwords: ['p%40ss%2Fw%3Ard', 'ss%2Fw'], users: ['bot'] },
  {
    name: 'encoded password holding @ / ? # :',
    text: `u=${encodeURIComponent('amqps://bot:p@ss/w?r#d:x@pulse.example.com')}`,
    passwords: [encodeURIComponent('p@ss/w?r#d:x'), encodeURIComponent('ss/w?r#d:x')],
    users: ['bot'],
  },
  {
    name: 'several URLs',
    text: 'tried amqps://one:pw-one@a.example.com and https://two:pw-two@b.example.com/x then ws://three:pw-three@c.example.com',
    passwords: ['pw-one', 'pw-two', 'pw-three'],
    users: ['one', 'two', 'three'],
    kept: [' and ', ' then '],
  },
  { name: 'several URLs, no space between', text: 'amqps://one:pw-one@a.example.com,amqps://two:pw-two@b.example.com', passwords: ['pw-one', 'pw-two'], users: ['one'] },
  { name: 'JSON-escaped', text: JSON.stringify(JSON.stringify({ url: 'amqps://bot:s3cret@pulse.example.com', note: 'x' })), passwords: ['s3cret'], users: ['bot'], kept: ['note'] },
  { name: 'JSON-escaped slashes', text: String.raw`{"url":"https:\/\/bot:s3cret@tc.example.com\/x"}`, passwords: ['s3cret'], users: ['bot'] },
  { name: 'at the end of the text', text: 'broker amqps://bot:s3cret@', passwords: ['s3cret'], users: ['bot'] },
  { name: 'followed by a double quote', text: 'url "amqps://bot:s3cret@pulse.example.com" refused', passwords: ['s3cret'], users: ['bot'], kept: [' refused'] },
  { name: "followed by a single quote", text: "url 'amqps://bot:s3cret@pulse.example.com'.", passwords: ['s3cret'], users: ['bot'] },
  { name: 'in brackets', text: '(amqps://bot:s3cret@pulse.example.com) [https://ci:t0ken@vault.example.com] <ws://me:pw3@h>', passwords: ['s3cret', 't0ken', 'pw3'], users: ['bot', 'ci', 'me'] },
  { name: 'in a query parameter of another URL', text: 'GET https://tc.example.com/login?next=https://bot:s3cret@ci.example.com/x', passwords: ['s3cret'], users: ['bot'] },
];

/** Pulse's two public paths: the text itself, and an error's JSON (its message and its cause's). */
function pulsePaths(text: string): string[] {
  return [redactCredentials(text), JSON.stringify(errorJson(new Error(text, { cause: new Error(text) })))];
}

describe('URL user info: one masking on the REST and the Pulse paths', () => {
  for (const { name, text, passwords, users, kept = [] } of CASES) {
    test(name, () => {
      const rest = redactText(text);
      for (const password of passwords) assert.ok(!rest.includes(password), `redactText leaks ${password}: ${rest}`);
      for (const part of kept) assert.ok(rest.includes(part), `redactText lost ${JSON.stringify(part)}: ${rest}`);
      for (const pulse of pulsePaths(text)) {
        for (const password of passwords) assert.ok(!pulse.includes(password), `Pulse leaks ${password}: ${pulse}`);
        for (const user of users) assert.match(pulse, new RegExp(`(?:/|%(?:25)*2F)${user}(?::|%(?:25)*3A)\\*\\*\\*`), `Pulse drops the user name ${user}: ${pulse}`);
        for (const part of kept) assert.ok(pulse.includes(JSON.stringify(part).slice(1, -1)), `Pulse lost ${JSON.stringify(part)}: ${pulse}`);
      }
    });
  }

  test('a path holding @ is no user info (nothing masked)', () => {
    const text = 'GET https://registry.npmjs.org/@types/node failed';
    assert.equal(redactText(text), text);
    assert.equal(redactCredentials(text), text);
  });

  test('user info without a password: all masked by REST, the user name kept by Pulse', () => {
    assert.equal(redactText('https://bot@tc.example.com'), 'https://[redacted]@tc.example.com');
    assert.equal(redactCredentials('amqps://bot@pulse.example.com'), 'amqps://bot@pulse.example.com');
  });

  // Inputs shaped to make a backtracking regex try every start against the whole rest of the text.
  const HOSTILE: Readonly<Record<string, string>> = {
    'scheme characters': 'a.'.repeat(50_000),
    'separators without @': 'a://'.repeat(25_000),
    'user names without @': 'x://u:'.repeat(17_000),
    'encoded separators': 'a%3A%2F%2F'.repeat(10_000),
    'separators, @ at the end': `${'b://u:p/'.repeat(12_500)}@`,
    'double-encoding runs': `%${'25'.repeat(50_000)}`,
  };
  for (const [shape, text] of Object.entries(HOSTILE)) {
    test(`100 KB of ${shape} finishes in well under a second`, () => {
      assert.ok(text.length >= 100_000);
      const started = performance.now();
      redactText(text);
      redactCredentials(text);
      const ms = performance.now() - started;
      assert.ok(ms < 2_000, `${shape}: ${Math.round(ms)} ms`);
    });
  }
});
