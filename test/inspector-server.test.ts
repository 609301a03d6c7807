/**
 * The inspector's server without a browser: only its token opens it, only
 * loopback names and its own origin are served, no credential reaches the
 * page, and its API answers with the library's rules (binding errors, the
 * routing-key tester's explanations).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { startInspector, type Inspector } from '../src/cli/inspector/index.js';

const SECRET = 'pw-Zx81-never-shown';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request with explicit headers (fetch would not let a test set Host). */
function call(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string; streamMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      const done = () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      res.on('end', done);
      // An event stream never ends: read it for a while.
      if (options.streamMs !== undefined) setTimeout(() => (req.destroy(), done()), options.streamMs);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} within 10 s`)));
    req.on('error', (error) => (options.streamMs !== undefined && error.message === 'socket hang up' ? undefined : reject(error)));
    req.end(options.body);
  });
}

describe('the inspector server', () => {
  let inspector: Inspector;
  let base: string;
  const json = (body: unknown) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  before(async () => {
    inspector = await startInspector({ url: `amqp://guest:${SECRET}@127.0.0.1:1`, bindings: ['queue.taskCompleted primary.*.*.*.*.*.prov.#'] });
    base = new URL(inspector.url).pathname;
  });
  after(() => inspector?.close());

  test('prints a loopback URL with a long random token and the initial bindings', () => {
    const url = new URL(inspector.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.match(url.pathname, /^\/[A-Za-z0-9_-]{43}\/$/);
    assert.deepEqual(url.searchParams.getAll('bind'), ['queue.taskCompleted primary.*.*.*.*.*.prov.#']);
  });

  test('without the token, nothing: not the page, its assets, its API or its event stream', async () => {
    const token = base.slice(1, -1);
    for (const path of ['/', '/index.html', '/app.js', '/api/exchanges', '/events', `/${token.slice(0, -1)}x/`, `/${token}x/events`, `/x${token}/`]) {
      const answer = await call(inspector.port, path);
      assert.equal(answer.status, 403, path);
      assert.doesNotMatch(answer.body, /<html|EventSource/);
    }
    assert.equal((await call(inspector.port, base)).status, 200);
    assert.equal((await call(inspector.port, `${base}app.js`)).status, 200);
  });

  test('another Host (DNS rebinding) or another Origin is refused', async () => {
    const port = inspector.port;
    assert.equal((await call(port, base, { headers: { Host: `evil.example:${port}` } })).status, 403);
    assert.equal((await call(port, base, { headers: { Host: `localhost:${port}` } })).status, 200);
    assert.equal((await call(port, `${base}events`, { headers: { Origin: 'http://evil.example' } })).status, 403);
    assert.equal((await call(port, `${base}api/bind`, { ...json({ exchange: 'queue.taskCompleted' }), headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${port + 1}` } })).status, 403);
    // A form post (no preflight) is not JSON, so it is refused too.
    assert.equal((await call(port, `${base}api/bind`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"exchange":"queue.taskCompleted"}' })).status, 415);
  });

  test('answers carry headers that keep the token out of referrers and the page out of frames', async () => {
    const { headers } = await call(inspector.port, base);
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.match(String(headers['content-security-policy']), /default-src 'self'/);
    assert.equal(headers['cache-control'], 'no-store');
  });

  test('listens on loopback only', async (t) => {
    const address = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;
    if (!address) return t.skip('no non-loopback IPv4 interface to try');
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: address, port: inspector.port, timeout: 5_000 });
      socket.on('connect', () => (socket.destroy(), resolve('connected')));
      socket.on('timeout', () => (socket.destroy(), resolve('timeout')));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    assert.equal(refused, 'ECONNREFUSED');
  });

  test('no credential reaches the page: not in the page, its assets, the API or the event stream', async () => {
    const paths = ['', 'index.html', 'app.js', 'api.js', 'bindings-panel.js', 'message-list.js', 'key-tester.js', 'rate-chart.js', 'style.css', 'api/session', 'api/exchanges'];
    const answers = await Promise.all(paths.map((path) => call(inspector.port, `${base}${path}`)));
    answers.forEach((answer, i) => assert.equal(answer.status, 200, paths[i]));
    // The stream tries the broker (nobody there) and reports it: without the password.
    const stream = await call(inspector.port, `${base}events?bind=${encodeURIComponent('queue.taskCompleted #')}`, { streamMs: 2_500 });
    assert.match(stream.body, /event: status/);
    for (const answer of [...answers, stream]) assert.ok(!answer.body.includes(SECRET) && !answer.body.includes(encodeURIComponent(SECRET)), answer.body.slice(0, 200));
    assert.deepEqual(JSON.parse(answers[paths.indexOf('api/session')]!.body), { broker: 'amqp://guest:***@127.0.0.1:1' });
  });

  test('bindings from the form follow the library rules; errors name the field', async () => {
    const bound = await call(inspector.port, `${base}api/bind`, json({ exchange: 'queue.taskCompleted', fields: { taskId: 'abc', runId: '0' } }));
    assert.equal(bound.status, 200);
    assert.deepEqual(JSON.parse(bound.body), {
      spec: 'queue.taskCompleted primary.abc.0.*.*.*.*.*.*.#',
      exchange: 'exchange/taskcluster-queue/v1/task-completed',
      pattern: 'primary.abc.0.*.*.*.*.*.*.#',
      label: 'queue.taskCompleted',
      fields: { taskId: 'abc', runId: '0', workerGroup: '*', workerId: '*', provisionerId: '*', workerType: '*', schedulerId: '*', taskGroupId: '*', reserved: '#' },
    });
    const typo = await call(inspector.port, `${base}api/bind`, json({ exchange: 'queue.taskCompleted', fields: { taskid: 'abc' } }));
    assert.equal(typo.status, 400);
    assert.equal(JSON.parse(typo.body).field, 'taskid');
    assert.match(JSON.parse(typo.body).error, /taskid/);
    const dotted = JSON.parse((await call(inspector.port, `${base}api/bind`, json({ exchange: 'queue.taskCompleted', fields: { taskId: 'a.b' } }))).body);
    assert.equal(dotted.field, 'taskId');
    const prefixed = JSON.parse((await call(inspector.port, `${base}api/bind`, json({ exchange: 'queue.taskFailed', exchangePrefix: 'exchange/guest/test/' }))).body);
    assert.equal(prefixed.exchange, 'exchange/guest/test/task-failed');
    assert.equal(prefixed.spec, 'queue.taskFailed@exchange/guest/test/ primary.*.*.*.*.*.*.*.*.#');
    const described = JSON.parse((await call(inspector.port, `${base}api/describe`, json({ specs: [prefixed.spec, 'queue.nope #', 'exchange/other/x build.#'] }))).body);
    assert.equal(described[0].exchange, 'exchange/guest/test/task-failed');
    assert.match(described[1].error, /queue has no exchange "nope"/);
    assert.deepEqual(described[2], { spec: 'exchange/other/x build.#', exchange: 'exchange/other/x', pattern: 'build.#', label: 'exchange/other/x' });
  });

  test('the routing-key tester says which bindings match and which field made the others miss', async () => {
    const specs = [
      'queue.taskCompleted primary.*.*.*.*.prov.#',
      'queue.taskCompleted primary.abc.*.*.*.*.*.*.*.#',
      'queue.taskFailed #',
      'queue.taskCompleted primary.*.*.*.*.*.*.*.*.#',
      'queue.taskCompleted primary.*.*.*.*.*.windows.#',
    ];
    const key = 'primary.xyz.0.wg.wi.prov.linux.sched.grp._';
    const answer = await call(inspector.port, `${base}api/test-key`, json({ exchange: 'queue.taskCompleted', routingKey: key, specs }));
    const test = JSON.parse(answer.body);
    assert.equal(test.fields.taskId, 'xyz');
    assert.deepEqual(test.verdicts.map((v: { matches: boolean; field?: string }) => [v.matches, v.field]), [[true, undefined], [false, 'taskId'], [false, undefined], [true, undefined], [false, 'workerType']]);
    assert.equal(test.verdicts[1].reason, 'taskId is "xyz" in the key; the binding wants "abc"');
    assert.equal(test.verdicts[4].reason, 'workerType is "linux" in the key; the binding wants "windows"');
    assert.equal(test.verdicts[2].reason, 'binds exchange/taskcluster-queue/v1/task-failed, not exchange/taskcluster-queue/v1/task-completed');
    const short = JSON.parse((await call(inspector.port, `${base}api/test-key`, json({ exchange: 'queue.taskCompleted', routingKey: 'primary.xyz', specs: specs.slice(1, 2) }))).body);
    assert.match(short.decodeError, /has 2 words; the exchange's routing key has at least 9/);
    assert.match(short.verdicts[0].reason, /does not match "primary.xyz": .*has 2 words/);
    // A raw pattern without the exchange's shape: its leading words are the leading fields.
    const raw = JSON.parse((await call(inspector.port, `${base}api/test-key`, json({ exchange: 'queue.taskCompleted', routingKey: key, specs: ['queue.taskCompleted primary.*.1.#'] }))).body);
    assert.deepEqual([raw.verdicts[0].field, raw.verdicts[0].reason], ['runId', 'runId is "0" in the key; the binding wants "1"']);
    const bad = await call(inspector.port, `${base}api/test-key`, json({ exchange: 'queue.taskCompleted', routingKey: 5, specs }));
    assert.deepEqual([bad.status, JSON.parse(bad.body).field], [400, 'routingKey']);
  });
});

test('bad options are refused before anything listens', async () => {
  await assert.rejects(startInspector({ url: 'memory://x', port: 70_000 }), /port must be an integer from 0 to 65535, got 70000/);
  await assert.rejects(startInspector({ url: '' }), /^PulseConfigError: url: must be a URL like/);
  await assert.rejects(startInspector({ url: 'memory://x', bindings: ['queue.nope #'] }), /queue has no exchange "nope"/);
});
