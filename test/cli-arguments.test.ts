/**
 * Positional arguments mean what they mean in the library, extra ones are
 * errors in every command, and negative numbers are values: all refused or
 * answered before any network I/O (the broker in the environment is not there).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_BROKER, tcPulse } from './support/cli.js';

const offline = (args: string[]) => tcPulse(args, { env: { PULSE_URL: NO_BROKER, TASKCLUSTER_ROOT_URL: 'http://127.0.0.1:1' } });

/** Exit code 2, nothing on stdout, and the message on stderr. */
function assertUsageError(args: string[], message: RegExp): void {
  const result = offline(args);
  assert.equal(result.code, 2, `tc-pulse ${args.join(' ')}: ${result.stderr}`);
  assert.equal(result.stdout, '', `tc-pulse ${args.join(' ')}`);
  assert.match(result.stderr, message, `tc-pulse ${args.join(' ')}`);
}

describe('tc-pulse positional values are routing-key values, as in the library', () => {
  it('bindings queue.taskCompleted abc is taskCompleted("abc"): taskId abc', () => {
    const one = offline(['bindings', 'queue.taskCompleted', 'abc']);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(JSON.parse(one.stdout), { exchange: 'exchange/taskcluster-queue/v1/task-completed', routingKeyPattern: 'primary.abc.*.*.*.*.*.*.*.#' });
    // In order, and together with flags for other fields.
    const more = offline(['bindings', 'queue.taskCompleted', 'abc', '0', '--taskGroupId', 'grp']);
    assert.equal(JSON.parse(more.stdout).routingKeyPattern, 'primary.abc.0.*.*.*.*.*.grp.#');
  });

  it('a field given both ways, or a value too many, is an error naming it', () => {
    assertUsageError(['bindings', 'queue.taskCompleted', 'abc', '--taskId', 'def'], /taskId is given twice: "abc" as a positional value and --taskId "def"/);
    assertUsageError(['bindings', 'queue.taskGroupResolved', 'g', 's', 'r', 'extra'], /unexpected argument "extra"; queue\.taskGroupResolved takes at most 3 routing-key values, in order: taskGroupId, schedulerId, reserved/);
    assertUsageError(['bindings', 'queue.taskCompleted', 'abc', '--pattern', 'primary.#'], /cannot be combined with routingKeyPattern/);
  });

  it('publish takes routing-key values in order too', () => {
    // Every required field as values: the command gets past the routing key to the payload check.
    const values = ['T', '0', 'wg', 'wi', 'prov', 'linux', 'sched', 'grp'];
    assertUsageError(['publish', 'queue.taskCompleted', ...values], /--payload is required/);
    assertUsageError(['publish', 'queue.taskCompleted', ...values, '_', 'extra', '--payload', '{}'], /unexpected argument "extra"/);
  });
});

describe('every command refuses an unknown extra argument, naming it (exit code 2)', () => {
  const cases: [string, string[]][] = [
    ['bindings', ['bindings', 'queue.taskGroupResolved', 'g', 's', 'r', 'extra']],
    ['list', ['list', 'queue', 'extra']],
    ['call', ['call', 'queue.task', 'abc', 'extra']],
    ['call (method without arguments)', ['call', 'queue.ping', 'extra']],
    ['signed-url', ['signed-url', 'queue.task', 'abc', 'extra']],
    ['publish', ['publish', 'queue.taskGroupResolved', 'g', 's', 'r', 'extra', '--payload', '{}']],
    ['listen (after a full exchange name and its pattern)', ['listen', 'exchange/taskcluster-queue/v1/task-completed', 'primary.#', 'extra']],
    ['listen (after routing-key values)', ['listen', 'queue.taskGroupResolved', 'g', 's', 'r', 'extra']],
    ['queue', ['queue', 'status', 'my-queue', 'extra']],
    ['--version', ['--version', 'extra']],
    ['help', ['help', 'listen', 'extra']],
  ];
  for (const [name, args] of cases) {
    it(name, () => assertUsageError(args, /unexpected argument "extra"/));
  }

  it('and a missing route argument of call and signed-url', () => {
    assertUsageError(['call', 'queue.task'], /missing <taskId>; queue\.task takes <taskId>/);
    assertUsageError(['signed-url', 'queue.getLatestArtifact', 'abc'], /missing <name>; queue\.getLatestArtifact takes <taskId> <name>/);
  });

  it('help <command> prints that command\'s help', () => {
    const result = offline(['help', 'listen']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: tc-pulse listen/);
  });
});

describe('negative numbers are values, not flags', () => {
  it('--count -1 and --count=-1 are checked as a count', () => {
    for (const args of [['--count', '-1'], ['--count=-1']]) {
      assertUsageError(['listen', 'queue.taskCompleted', ...args], /--count must be a positive integer, got "-1"/);
    }
  });

  it('--runId -1 reaches the schema, which names the rule', () => {
    for (const args of [['--runId', '-1'], ['--runId=-1']]) {
      assertUsageError(['publish', 'queue.taskCompleted', '--template', ...args], /\/runId must be >= 0 \(minimum\)/);
    }
  });

  it('--expiration -5 is checked as an expiration', () => {
    assertUsageError(['signed-url', 'queue.task', 'abc', '--expiration', '-5'], /--expiration must be a positive number of seconds, got "-5"/);
  });

  it('a misspelt flag in another case or with dashes names the right one', () => {
    assertUsageError(['bindings', 'queue.taskCompleted', '--task-id', 'abc'], /unknown option --task-id \(did you mean --taskId\?\)/);
  });
});
