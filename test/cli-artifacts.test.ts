/**
 * `tc-pulse download`, `upload` and `log`: the built binary against the fake
 * deployment (queue, object service, storage with injected faults), a plain
 * server standing for a worker's livelog, and a pseudo-terminal (util-linux
 * `script`) for the progress bar.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { slugid } from '../src/index.js';
import { startFakeTaskcluster, type FakeTaskcluster } from '../src/testing/index.js';
import { formatBytes, ProgressBar } from '../src/cli/progress-bar.js';
import { completedTask as completedTaskOf, runningTask as runningTaskOf, type FakeArtifact } from './support/artifact-tasks.js';
import { CLI } from './support/cli.js';
import { bytes, usePlainServer } from './support/plain-http.js';

let fake: FakeTaskcluster;
let directory: string;
const plain = usePlainServer();

before(async () => {
  fake = await startFakeTaskcluster();
  directory = await mkdtemp(join(tmpdir(), 'tc-cli-artifacts-'));
});
after(async () => {
  await fake.close();
  await rm(directory, { recursive: true, force: true });
});

const env = () => ({ TASKCLUSTER_ROOT_URL: fake.rootUrl, TASKCLUSTER_CLIENT_ID: fake.credentials.clientId, TASKCLUSTER_ACCESS_TOKEN: fake.credentials.accessToken });

interface Run {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly seconds: number;
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the binary with pipes, or (`terminal`) inside a pseudo-terminal, where
 * stdout and stderr both reach the terminal and come back as `stdout`.
 */
function tcPulse(args: readonly string[], options: { terminal?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const [command, argv] = options.terminal
    ? ['script', ['-qefc', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null']]
    : [process.execPath, [CLI, ...args]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv as string[], { env: { PATH: process.env.PATH, TERM: 'xterm', ...(options.env ?? env()) } });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tc-pulse ${args.join(' ')} did not finish within 30 s: ${stderr}`));
    }, 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout: Buffer.concat(stdout), stderr, seconds: (performance.now() - started) / 1000 });
    });
    child.stdin.end();
  });
}

const completedTask = (artifacts: Record<string, FakeArtifact>, definition?: Parameters<typeof completedTaskOf>[2]) => completedTaskOf(fake, artifacts, definition);
const runningTask = (artifacts: Record<string, FakeArtifact>) => runningTaskOf(fake, artifacts);

/** Requests the deployment and its storage received, authenticated or not. */
const requestCount = () => fake.requests.length + fake.refusals.length + fake.storage.requests.length;

/** A livelog stand-in: `lines`, one every `intervalMs`, then the end. */
function trickle(lines: readonly string[], intervalMs: number) {
  return bytesOverTime(lines.map((line) => Buffer.from(`${line}\n`)), intervalMs);
}

function bytesOverTime(chunks: readonly Buffer[], intervalMs: number, length?: number) {
  return (_request: unknown, response: import('node:http').ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...(length === undefined ? {} : { 'content-length': length }) });
    let next = 0;
    const timer = setInterval(() => {
      if (next === chunks.length) {
        clearInterval(timer);
        response.end();
      } else {
        response.write(chunks[next++]);
      }
    }, intervalMs);
    response.on('close', () => clearInterval(timer));
  };
}

describe('tc-pulse download', () => {
  it('writes an object artifact to -o FILE, verified, and prints nothing when piped', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const taskId = completedTask({ 'public/build/out.bin': { storageType: 'object', content } });
    const file = join(directory, 'out.bin');
    const result = await tcPulse(['download', taskId, 'public/build/out.bin', '-o', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await readFile(file)).equals(content));
    assert.equal(result.stdout.length, 0);
    assert.equal(result.stderr, '', 'no progress bar into a pipe');
    assert.ok(!(await readdir(directory)).some((name) => name.endsWith('.partial')));
  });

  it('writes to standard output without -o and with -o -, decoding gzip', async () => {
    const content = randomBytes(300_000);
    const taskId = completedTask({ 'public/a.bin': { content }, 'public/b.log': { content: gzipSync('gzipped log\n'), contentEncoding: 'gzip' } });
    for (const args of [['public/a.bin'], ['public/a.bin', '-o', '-']]) {
      const result = await tcPulse(['download', taskId, ...args]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.equals(content), args.join(' '));
    }
    const log = await tcPulse(['download', taskId, 'public/b.log']);
    assert.equal(log.stdout.toString(), 'gzipped log\n');
  });

  it('--run picks a run; the default is the latest', async () => {
    const taskId = slugid();
    fake.queue.addTask(taskId);
    fake.queue.resolveTask(taskId, 'exception');
    fake.queue.resolveTask(taskId, 'completed');
    fake.queue.addArtifact(taskId, 'public/which', { runId: 0, content: 'run zero' });
    fake.queue.addArtifact(taskId, 'public/which', { runId: 1, content: 'run one' });
    assert.equal((await tcPulse(['download', taskId, 'public/which', '--run', '0'])).stdout.toString(), 'run zero');
    assert.equal((await tcPulse(['download', taskId, 'public/which'])).stdout.toString(), 'run one');
  });

  it('a hash mismatch exits 1 and leaves no file, not even a partial one', async () => {
    const taskId = completedTask({ 'public/bad.bin': { storageType: 'object', content: randomBytes(100_000) } });
    fake.storage.injectFault('public/bad.bin', { corrupt: true });
    const file = join(directory, 'bad.bin');
    const result = await tcPulse(['download', taskId, 'public/bad.bin', '-o', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^tc-pulse download: .*the sha256 of the bytes received does not match/);
    assert.ok(!(await readdir(directory)).some((name) => name.includes('bad.bin')));
  });

  it('an error artifact exits 1 with its reason; a storage HTTP error with its status', async () => {
    const taskId = completedTask({
      'public/missing.log': { storageType: 'error', reason: 'file-missing-on-worker', message: 'no such file on the worker' },
      'public/forbidden.bin': { content: 'x' },
    });
    const missing = await tcPulse(['download', taskId, 'public/missing.log']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /file-missing-on-worker: no such file on the worker/);
    fake.storage.injectFault('public/forbidden.bin', { status: 403 });
    const forbidden = await tcPulse(['download', taskId, 'public/forbidden.bin']);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /storage answered HTTP 403/);
    assert.ok(!(missing.stderr + forbidden.stderr).includes(fake.credentials.accessToken));
  });

  it('refuses a reference artifact without --follow-references (its URL is never fetched), follows it with', async () => {
    plain.routes.set('/chosen-by-task', bytes('the task chose this'));
    const taskId = completedTask({ 'public/ref': { storageType: 'reference', url: `${plain.origin}/chosen-by-task` } });
    const before = plain.requests.length;
    const refused = await tcPulse(['download', taskId, 'public/ref']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /reference artifact.*--follow-references/);
    assert.equal(plain.requests.length, before);
    const followed = await tcPulse(['download', taskId, 'public/ref', '--follow-references']);
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(followed.stdout.toString(), 'the task chose this');
  });

  it('bad command lines exit 2, naming the field and rule, before any request', async () => {
    const taskId = completedTask({ 'public/x': { content: 'x' } });
    const cases: [string[], RegExp][] = [
      [['download'], /expected a <taskId>/],
      [['download', 'not-a-slug'], /<taskId> must be a slugid/],
      [['download', taskId], /expected the artifact <name>/],
      [['download', taskId, 'public/x', 'extra'], /unexpected argument "extra"/],
      [['download', taskId, 'public/x', '--run', '-1'], /--run must be a run number/],
      [['download', taskId, 'public/x', '--run', 'latest'], /--run must be a run number/],
      [['download', taskId, 'public/x', '--timeout', '0'], /--timeout must be a positive number of seconds/],
      [['download', taskId, 'public/x', '-o', directory], /must be a file name, not a directory/],
      [['download', taskId, 'public/x', '-o', join(directory, 'no/such/dir/x')], /to\.file.*must be in an existing directory/],
      [['download', taskId, 'public/x', '--follow-refs'], /unknown option --follow-refs/],
      [['upload', taskId, 'public/y'], /expected the <file>/],
      [['upload', taskId, 'public/y', join(directory, 'nope')], /<file> must be a readable file/],
      [['upload', taskId, 'public/y', CLI, '--expires', 'tomorrow'], /--expires must be an ISO 8601 date-time/],
      [['upload', taskId, 'public/y', CLI, '--expires', '-1 day'], /--expires must be/],
      [['log', taskId, 'extra'], /unexpected argument "extra"/],
      [['log', taskId, '--run', '1.5'], /--run must be a run number/],
    ];
    const requests = requestCount();
    for (const [args, message] of cases) {
      const result = await tcPulse(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.equal(requestCount(), requests);
    const noRoot = await tcPulse(['download', taskId, 'public/x'], { env: {} });
    assert.equal(noRoot.code, 2);
    assert.match(noRoot.stderr, /TASKCLUSTER_ROOT_URL/);
  });
});

describe('tc-pulse download progress bar', () => {
  it('draws on a terminal at most 10 times a second, and ends at 100%', async () => {
    // 40 chunks over about 2 s: a bar redrawn per chunk would draw 40 times.
    const chunks = Array.from({ length: 40 }, () => randomBytes(16 * 1024));
    plain.routes.set('/slow.bin', bytesOverTime(chunks, 50, 40 * 16 * 1024));
    const taskId = completedTask({ 'public/slow.bin': { storageType: 'reference', url: `${plain.origin}/slow.bin` } });
    const file = join(directory, 'slow.bin');
    const result = await tcPulse(['download', taskId, 'public/slow.bin', '--follow-references', '-o', file], { terminal: true });
    assert.equal(result.code, 0, result.stdout.toString());
    assert.ok((await readFile(file)).equals(Buffer.concat(chunks)));
    const screen = result.stdout.toString();
    const draws = screen.split('\r').filter((line) => line.includes('public/slow.bin')).length;
    assert.match(screen, /public\/slow\.bin\s+100% \[#+\] 640\.0 KiB \/ 640\.0 KiB/);
    assert.ok(draws >= 2, screen);
    assert.ok(draws <= Math.ceil(result.seconds * 10) + 2, `${draws} draws in ${result.seconds.toFixed(2)} s`);
  });

  it('draws nothing when the bytes go to the terminal itself', async () => {
    const taskId = completedTask({ 'public/t.txt': { content: 'just the text\n' } });
    const result = await tcPulse(['download', taskId, 'public/t.txt'], { terminal: true });
    assert.equal(result.code, 0);
    assert.equal(result.stdout.toString().replace(/\r\n/g, '\n'), 'just the text\n');
  });
});

describe('ProgressBar', () => {
  const terminal = (isTTY: boolean) => {
    const writes: string[] = [];
    return { isTTY, columns: 100, writes, write: (text: string) => writes.push(text) };
  };

  it('redraws at most every 100 ms of its clock, whatever the update rate', () => {
    const stream = terminal(true);
    let now = 0;
    const bar = ProgressBar.onTerminal(stream, 'public/x.bin', () => now)!;
    for (let ms = 0; ms < 1000; ms++) {
      now = ms;
      bar.update(ms * 1000, 1_000_000);
    }
    assert.equal(stream.writes.length, 10);
    bar.finish();
    assert.match(stream.writes.at(-2)!, /^\rpublic\/x\.bin\s+99% \[#{24}\] 975\.6 KiB \/ 976\.6 KiB  976\.6 KiB\/s\x1b\[K$/);
    assert.equal(stream.writes.at(-1), '\n');
  });

  it('is not there off a terminal; shows bytes and rate when the size is unknown; clears its line', () => {
    assert.equal(ProgressBar.onTerminal(terminal(false), 'x'), undefined);
    const stream = terminal(true);
    let now = 0;
    const bar = ProgressBar.onTerminal(stream, 'live.log', () => now)!;
    now = 2000;
    bar.update(3 * 1024 * 1024, undefined);
    assert.equal(stream.writes[0], '\rlive.log  3.0 MiB  1.5 MiB/s\x1b[K');
    bar.clear();
    assert.equal(stream.writes[1], '\r\x1b[K');
    assert.deepEqual([0, 1023, 1024, 1536 * 1024 * 1024].map(formatBytes), ['0 B', '1023 B', '1.0 KiB', '1.5 GiB']);
  });
});

describe('tc-pulse upload', () => {
  it('uploads a file to the running run, prints its hashes but never the uploadId, and it downloads back', async () => {
    const taskId = runningTask({});
    const content = randomBytes(200_000);
    const file = join(directory, 'results.log');
    await writeFile(file, content);
    const result = await tcPulse(['upload', taskId, 'public/results.log', file]);
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout.toString()) as Record<string, unknown>;
    assert.deepEqual(printed, {
      taskId,
      runId: 0,
      name: 'public/results.log',
      contentType: 'text/plain; charset=utf-8',
      contentLength: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      sha512: createHash('sha512').update(content).digest('hex'),
    });
    const object = fake.objects.getObject(`t/${taskId}/0/public/results.log`);
    assert.ok(object?.content?.equals(content));
    assert.ok(!result.stdout.toString().includes(String(object?.uploadId ?? '\0')));
    assert.equal(result.stderr, '');
    const back = await tcPulse(['download', taskId, 'public/results.log']);
    assert.ok(back.stdout.equals(content));
  });

  it('takes --run, --content-type and --expires; refuses a task with no running run (exit 1)', async () => {
    const taskId = runningTask({});
    const file = join(directory, 'small.txt');
    await writeFile(file, 'small');
    const expires = new Date(Date.now() + 3600_000);
    const result = await tcPulse(['upload', taskId, 'public/small', file, '--run', '0', '--content-type', 'application/x-small', '--expires', expires.toJSON()]);
    assert.equal(result.code, 0, result.stderr);
    const create = fake.calls.find((call) => call.api === 'queue.createArtifact' && call.params.taskId === taskId);
    assert.deepEqual(create?.body, { storageType: 'object', expires: expires.toJSON(), contentType: 'application/x-small', contentLength: 5 });
    const done = completedTask({});
    const refused = await tcPulse(['upload', done, 'public/late', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /has no running run to upload to \(its latest run is run 0, completed\)/);
  });
});

describe('tc-pulse log', () => {
  it('prints the live log of a finished task', async () => {
    const taskId = completedTask({ 'public/logs/live.log': { content: 'line 1\nline 2\n' } });
    const result = await tcPulse(['log', taskId]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), 'line 1\nline 2\n');
  });

  it('falls back to the backing log when the live log is missing, or a reference not to follow', async () => {
    const missingLive = completedTask({ 'public/logs/live_backing.log': { content: 'backing only\n' } });
    assert.equal((await tcPulse(['log', missingLive])).stdout.toString(), 'backing only\n');
    const before = plain.requests.length;
    const referenceLive = completedTask({
      'public/logs/live.log': { storageType: 'reference', url: `${plain.origin}/log/not-fetched` },
      'public/logs/live_backing.log': { content: 'the backing log\n' },
    });
    const result = await tcPulse(['log', referenceLive]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), 'the backing log\n');
    assert.equal(plain.requests.length, before);
  });

  it('a running task: refuses its livelog without --follow-references (never fetched), streams it with', async () => {
    plain.routes.set('/log/livelog-access-token', trickle(['starting', 'working', 'done'], 30));
    const taskId = runningTask({ 'public/logs/live.log': { storageType: 'reference', url: `${plain.origin}/log/livelog-access-token` } });
    const before = plain.requests.length;
    const refused = await tcPulse(['log', taskId]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /live log public\/logs\/live\.log .* is a reference artifact .* give --follow-references/);
    assert.equal(plain.requests.length, before);
    const followed = await tcPulse(['log', taskId, '--follow-references']);
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(followed.stdout.toString(), 'starting\nworking\ndone\n');
  });

  it('a livelog error never shows the access token in its path', async () => {
    const token = 'Zm9vYmFyLXNlY3JldC10b2tlbg';
    plain.routes.set(`/log/${token}`, (request, response) => response.writeHead(403, { 'content-type': 'text/plain' }).end(`bad token in ${request.url}`));
    const taskId = runningTask({ 'public/logs/live.log': { storageType: 'reference', url: `${plain.origin}/log/${token}` } });
    const result = await tcPulse(['log', taskId, '--follow-references']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /storage answered HTTP 403/);
    assert.ok(!result.stderr.includes(token), result.stderr);
  });

  it('reads the log names from the payload (generic-worker logs.live and logs.backing)', async () => {
    const taskId = completedTask({ 'private/logs/backing.log': { content: 'custom backing\n' } }, { payload: { logs: { live: 'private/logs/live.log', backing: 'private/logs/backing.log' } } });
    const result = await tcPulse(['log', taskId]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), 'custom backing\n');
  });

  it('no log, or an error artifact: exit 1 saying why', async () => {
    const none = completedTask({});
    const result = await tcPulse(['log', none]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the latest run of task .* has no log: neither public\/logs\/live\.log nor public\/logs\/live_backing\.log/);
    const failed = completedTask({ 'public/logs/live.log': { storageType: 'error', reason: 'file-not-readable-on-worker', message: 'permission denied' } });
    const error = await tcPulse(['log', failed]);
    assert.equal(error.code, 1);
    assert.match(error.stderr, /file-not-readable-on-worker: permission denied/);
  });
});
