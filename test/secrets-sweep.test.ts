/**
 * Nothing leaked: a run of fault scenarios (test/support/secret-sweep-run.ts:
 * refused and unreachable brokers, a dropped connection, failing handlers,
 * malformed and given-up messages, unconfirmed publishes, REST servers that
 * echo the Authorization header, the CLI with bad credentials) prints, logs
 * and throws none of the passwords, access tokens, certificate signatures,
 * MACs and bewits it used, in any encoding. The run is a child process so
 * that all it writes (the default logger's stderr included) is searched.
 * Needs the built CLI (npm test builds first) and rabbitmqctl.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI } from './support/cli.js';
import { REPO } from './support/project-references.js';
import { rabbitmqctl, uniqueName } from './support/rabbit.js';
import { describeLeaks, findLeaks, formsOf, type Secret } from './support/secret-search.js';
import type { SweepConfig } from './support/sweep/config.js';

const RUN = join(REPO, 'test/support/secret-sweep-run.ts');
const CHILD_DEADLINE_MS = 120_000;

interface Captured {
  readonly code: number | null;
  readonly output: string;
  readonly stderr: string;
}

/** Runs the sweep script to its end (or its deadline), capturing everything it writes. */
function runSweep(config: SweepConfig): Promise<Captured> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN], { cwd: REPO, env: { ...process.env, SWEEP_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const deadline = setTimeout(() => child.kill('SIGKILL'), CHILD_DEADLINE_MS);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, output: `${stdout}\n${stderr}`, stderr });
    }),
  );
}

function baseConfig(secretsFile: string): SweepConfig {
  const tag = randomBytes(4).toString('hex');
  return {
    user: uniqueName('sweep-user'),
    // Every character the URL rules treat specially, used unencoded and encoded.
    password: `Pw/?#@:x-SWEEP-${tag}`,
    wrongPassword: `Wr/?#@:x-SWEEP-WRONG-${tag}`,
    vhost: uniqueName('sweep-vhost'),
    accessToken: `SWEEPtoken${randomBytes(16).toString('base64url')}`,
    secretsFile,
  };
}

function staticSecrets(config: SweepConfig): Secret[] {
  return [
    { kind: 'pulse password', value: config.password },
    { kind: 'wrong pulse password', value: config.wrongPassword },
    { kind: 'access token', value: config.accessToken },
  ];
}

/** The last part of the output, secrets masked: enough to see why a run failed. */
function tail(captured: Captured, secrets: readonly Secret[]): string {
  const end = captured.output.slice(-3_000);
  return secrets.flatMap(formsOf).reduce((text, form) => text.split(form.text).join(`<${form.kind}>`), end);
}

describe('secret sweep', () => {
  test('the search finds each form of a secret and never quotes one', () => {
    const secret: Secret = { kind: 'planted token', value: 'Tok/?#@:en-PLANTED-42' };
    const forms = formsOf(secret);
    for (const form of forms) {
      for (const surround of [['', ''], ['x', 'y'], ['ab', 'cd']] as const) {
        // Base64 forms are found inside a longer encoded value too, whatever its alignment.
        const text = form.form.startsWith('base64')
          ? Buffer.from(`${surround[0]}${secret.value}${surround[1]}`).toString(form.form.startsWith('base64url') ? 'base64url' : 'base64')
          : `before ${surround[0]}${form.text}${surround[1]} after`;
        const leaks = findLeaks(text, [secret]);
        assert.ok(leaks.length > 0, `${form.form} in ${JSON.stringify(text)} is found`);
        for (const leak of leaks) for (const f of forms) assert.ok(!leak.context.includes(f.text), `the report of ${leak.form} quotes the secret: ${leak.context}`);
      }
    }
    assert.deepEqual(findLeaks('nothing to see: Tok/?#@:en-PLANTED-4 and base64 of other things', [secret]), []);
    // A secret cut at the edge of the context window is masked too.
    const long: Secret = { kind: 'other', value: 'Z'.repeat(30) + 'other-secret' };
    const [leak] = findLeaks(`${long.value}${'.'.repeat(30)}${secret.value}`, [secret, long]);
    assert.ok(leak && !leak.context.includes('other-secret'), leak?.context);
  });

  test('a planted leak on stdout (base64 in an error) and stderr (a log line) fails the sweep', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    try {
      const config = { ...baseConfig(join(dir, 'secrets.json')), plant: true };
      const captured = await runSweep(config);
      assert.equal(captured.code, 0, captured.stderr);
      const leaks = findLeaks(captured.output, staticSecrets(config));
      assert.deepEqual(new Set(leaks.map((leak) => `${leak.kind} (${leak.form})`)), new Set(['pulse password (raw)', 'access token (base64 (offset 1))']));
      assert.match(describeLeaks(leaks), /pulse password \(raw\): …/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('REST, Pulse, publisher and CLI faults print, log and throw no secret', { timeout: CHILD_DEADLINE_MS + 60_000 }, async (t) => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run npm run build first`);
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const config = baseConfig(join(dir, 'secrets.json'));
    t.after(async () => {
      await Promise.allSettled([rabbitmqctl('delete_user', config.user), rabbitmqctl('delete_vhost', config.vhost)]);
      rmSync(dir, { recursive: true, force: true });
    });
    await Promise.all([rabbitmqctl('add_user', config.user, config.password), rabbitmqctl('add_vhost', config.vhost)]);
    // Pulse's permissions: its own queues and exchanges, reading any exchange.
    const own = `^(queue/${config.user}/.*|exchange/${config.user}/.*)`;
    await rabbitmqctl('set_permissions', '-p', config.vhost, config.user, own, own, `^(queue/${config.user}/.*|exchange/.*)`);

    const started = Date.now();
    const captured = await runSweep(config);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const learned = existsSync(config.secretsFile) ? (JSON.parse(readFileSync(config.secretsFile, 'utf8')) as Secret[]) : [];
    const secrets = [...staticSecrets(config), ...learned];
    assert.equal(captured.code, 0, `the sweep run failed (exit ${captured.code}):\n${tail(captured, secrets)}`);

    // Every part ran: the run checks each fault's error itself; these show the evidence got here.
    const done = /sweep: done, (\d+) records, groups ([^\n]*), (\d+) signed requests/.exec(captured.output);
    assert.ok(done, 'the run reports what it did');
    assert.deepEqual(done[2]!.split(', ').sort(), ['cli', 'publisher', 'pulse', 'rest']);
    const kinds = new Set(learned.map((secret) => secret.kind));
    assert.deepEqual([...kinds].filter((kind) => !kind.startsWith('fake deployment')).sort(), ['bewit', 'certificate signature', 'hawk mac', 'temporary access token']);
    assert.ok(learned.filter((secret) => secret.kind === 'fake deployment hawk mac').length >= 2, 'the fake deployment saw signed requests');
    assert.equal(learned.filter((secret) => secret.kind === 'hawk mac').length, Number(done[3]));
    // The client without logger or 'error' listener wrote its reports to stderr, as JSON lines.
    for (const name of ['DeliveryLimitError', 'MalformedMessageError']) assert.match(captured.stderr, new RegExp(`^\\{.*"name":"${name}"`, 'm'));
    t.diagnostic(`${done[1]} records, ${done[3]} signed requests, ${secrets.length} secrets searched in ${captured.output.length} characters; run took ${seconds} s`);

    const leaks = findLeaks(captured.output, secrets);
    assert.equal(leaks.length, 0, `secrets found in what the run printed, logged or threw:\n${describeLeaks(leaks)}`);
  });
});
