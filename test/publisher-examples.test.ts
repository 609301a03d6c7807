/**
 * The publishing examples (quoted in docs/testing.md) run as a user would run
 * them, as separate processes: on the embedded broker (the default), and the
 * integration test also on the real RabbitMQ through PULSE_URL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { REPO } from './support/project-references.js';
import { privateVhostFor } from './support/rabbit.js';

const run = promisify(execFile);
const TSX = join(REPO, 'node_modules/.bin/tsx');

async function example(args: readonly string[], pulseUrl: string): Promise<string[]> {
  // Without the parent runner's NODE_TEST_CONTEXT, a nested `node --test` reports on stdout as it would for a user.
  const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
  const { stdout } = await run(args[0]!, args.slice(1), { cwd: REPO, env: { ...env, PULSE_URL: pulseUrl }, timeout: 60_000 });
  return stdout.trimEnd().split('\n');
}

describe('publishing examples', () => {
  test('examples/publish-task-completed.ts prints what went on the wire', async () => {
    const lines = await example([TSX, 'examples/publish-task-completed.ts'], '');
    assert.equal(lines[0], 'exchange/taskcluster-queue/v1/task-completed');
    assert.match(lines[1]!, /^primary\.([\w-]{22})\.0\.us-east-1\.i-0123\.proj-x\.linux\.tc-ui\.\1\._$/);
    assert.equal(lines[2], 'route.index.proj-x.latest route.notify.email.dev@example.com.on-failed');
  });

  for (const broker of ['the embedded broker', 'RabbitMQ'] as const) {
    test(`examples/publish-bot-test.ts passes on ${broker}`, async (t) => {
      // On RabbitMQ, the example's real exchange names go in a vhost of this test's own: nothing is left on the shared broker.
      const pulseUrl = broker === 'RabbitMQ' ? (await privateVhostFor(t, 'publish-example')).url : '';
      const lines = await example([process.execPath, '--import', 'tsx', '--test', 'examples/publish-bot-test.ts'], pulseUrl);
      assert.ok(lines.includes('# pass 2'), lines.join('\n'));
      assert.ok(lines.includes('# fail 0'), lines.join('\n'));
    });
  }

  test('examples/publish-connection-loss.ts: the bot gets the message published while it was cut off', async () => {
    assert.deepEqual(await example([TSX, 'examples/publish-connection-loss.ts'], ''), ["[ 'queue/guest/completed-bot' ]", '1', 'handled true']);
  });
});

describe('docs/testing.md code', () => {
  const doc = readFileSync(join(REPO, 'docs/testing.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

  test('quotes the three examples', () => assert.equal(blocks.length, 3));

  blocks.forEach((block, i) => {
    const [first, ...rest] = block.split('\n');
    test(`block ${i + 1} (${first}) is an excerpt of its example`, () => {
      const match = /^\/\/ (examples\/publish-[\w-]+\.ts)$/.exec(first ?? '');
      assert.ok(match, `block ${i + 1} must start with "// examples/publish-<name>.ts"`);
      assert.ok(readFileSync(join(REPO, match[1]!), 'utf8').includes(rest.join('\n').trimEnd()), `block ${i + 1} differs from ${match[1]}`);
    });
  });
});
