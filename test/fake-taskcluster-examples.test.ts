/**
 * The fake Taskcluster example (quoted in docs/fake-taskcluster.md) runs as a
 * user would run it, a `node --test` process of its own, on the embedded
 * broker and on the real RabbitMQ; the doc's code blocks are excerpts of
 * tested files.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { describeDocExcerpts } from './support/doc-excerpts.js';
import { REPO } from './support/project-references.js';
import { privateVhostFor } from './support/rabbit.js';

const run = promisify(execFile);

describe('examples/fake-taskcluster-bot-test.ts', () => {
  for (const broker of ['the embedded broker', 'RabbitMQ'] as const) {
    it(`passes on ${broker}`, async (t) => {
      // On RabbitMQ, the example's real exchange names go in a vhost of this test's own: nothing is left on the shared broker.
      const pulseUrl = broker === 'RabbitMQ' ? (await privateVhostFor(t, 'fake-tc-example')).url : '';
      // Without the parent runner's NODE_TEST_CONTEXT, the nested `node --test` reports on stdout as it would for a user.
      const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '--test', 'examples/fake-taskcluster-bot-test.ts'], {
        cwd: REPO,
        env: { ...env, PULSE_URL: pulseUrl },
        timeout: 60_000,
      });
      const lines = stdout.split('\n');
      assert.ok(lines.includes('# pass 3'), stdout);
      assert.ok(lines.includes('# fail 0'), stdout);
    });
  }
});

describeDocExcerpts('docs/fake-taskcluster.md', 6);
