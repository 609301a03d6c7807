/**
 * Stale bindings on the real RabbitMQ (management API on 15672): a bot
 * restarted with a changed binding set stops receiving the old exchange's
 * messages, with none of the ones it still wants lost, on the `remove` path
 * (bindings read through the management API or a deployment's list URL,
 * unbound over AMQP) and on the `handover` path (a queue per binding set).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { bindingSetHash } from '../src/pulse/stale-bindings/binding-set.js';
import { recordQueueOf } from '../src/pulse/stale-bindings/handover.js';
import { deleteQueues, eventually, RABBIT_URL } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';
import { recordingLogger } from './support/recording-logger.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { assertNoStaleDelivery, runStaleBindingsScenario } from './support/stale-bindings-scenario.js';

const MANAGEMENT = 'http://127.0.0.1:15672';
const events = privateQueueEvents();
const [A, B, C] = [events.taskCompleted(), events.taskFailed(), events.taskException()];
const suite = useRabbitSuite({ exchanges: [A.exchange, B.exchange, C.exchange], connectionPrefix: 'stale-bindings-test' });
const extraQueues: string[] = [];
after(() => deleteQueues(...extraQueues));

/** The queue's exchange bindings as the management API lists them, as `exchange pattern` lines. */
async function realBindings(queue: string): Promise<string[]> {
  const response = await fetch(`${MANAGEMENT}/api/queues/%2F/${encodeURIComponent(queue)}/bindings`, {
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
  });
  assert.equal(response.status, 200);
  const rows = (await response.json()) as { source: string; routing_key: string }[];
  return rows.filter((r) => r.source !== '').map((r) => `${r.source} ${r.routing_key}`).sort();
}

async function queueExists(queue: string): Promise<boolean> {
  const response = await fetch(`${MANAGEMENT}/api/queues/%2F/${encodeURIComponent(queue)}`, {
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
  });
  await response.body?.cancel();
  return response.status === 200;
}

const line = (binding: { exchange: string; routingKeyPattern: string }) => `${binding.exchange} ${binding.routingKeyPattern}`;

describe('staleBindings: "remove"', () => {
  for (const managementUrl of [`http://guest:guest@127.0.0.1:15672`, 'from-broker']) {
    test(`through the management API (${managementUrl === 'from-broker' ? 'derived from the broker URL' : 'managementUrl with credentials'}): A unbound, 0 of the B messages lost`, async () => {
      const queueName = suite.queueFor('stale-remove');
      const run = await runStaleBindingsScenario(suite, events, queueName, {}, { staleBindings: 'remove', managementUrl }, (r) => r.events.unbound.length > 0);
      assertNoStaleDelivery(run);
      assert.deepEqual(run.events.unbound, [{ queue: run.queue, bindings: [{ exchange: A.exchange, routingKeyPattern: A.routingKeyPattern }] }]);
      assert.deepEqual(await realBindings(run.queue), [line(B), line(C)].sort());
      // The A messages sent while it was down were in the queue already: delivered, dropped as unbound, reported.
      assert.equal(run.unboundTaskIds.filter((id) => id.startsWith('A-down')).length, 25);
      console.log(`remove (${managementUrl === 'from-broker' ? 'from-broker' : 'managementUrl'}): 50 B received, 0 lost; caught up in ${run.catchUpMs} ms`);
    });
  }

  describe('through a bindings list URL of the deployment', () => {
    let server: Server;
    let url: string;
    const asked: string[] = [];
    before(async () => {
      // A deployment's list, here answered from the management API, re-served in the documented shape.
      server = createServer((request, response) => {
        asked.push(request.url ?? '');
        const queue = decodeURIComponent(new URL(request.url ?? '/', 'http://x').searchParams.get('queue') ?? '');
        void fetch(`${MANAGEMENT}/api/queues/%2F/${encodeURIComponent(queue)}/bindings`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` } })
          .then((answer) => answer.json())
          .then((rows) => {
            const list = (rows as { source: string; routing_key: string; destination: string }[]).map((r) => ({ source: r.source, routing_key: r.routing_key, destination: r.destination }));
            response.setHeader('content-type', 'application/json').end(JSON.stringify(list));
          });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bindings?queue={queue}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('A unbound, 0 of the B messages lost', async () => {
      const queueName = suite.queueFor('stale-list');
      const run = await runStaleBindingsScenario(suite, events, queueName, {}, { staleBindings: 'remove', bindingsUrl: url }, (r) => r.events.unbound.length > 0);
      assertNoStaleDelivery(run);
      assert.deepEqual(await realBindings(run.queue), [line(B), line(C)].sort());
      assert.ok(asked.some((path) => path.includes(encodeURIComponent(`queue/guest/${queueName}`))), asked.join(', '));
    });
  });

  /** Listens with `managementUrl`, returns the StaleBindingsError it reports (the stream goes on consuming meanwhile). */
  async function staleBindingsErrorWith(managementUrl: string): Promise<Error> {
    const client = suite.newClient();
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const consuming = new Promise((resolve) => client.once('consuming', resolve));
    const subscription = client.listen([B], { queueName: suite.queueFor('stale-fault'), staleBindings: 'remove', managementUrl }).subscribe();
    await consuming;
    await eventually(() => errors.some((e) => e.name === 'StaleBindingsError'), 'a StaleBindingsError event');
    assert.equal(client.connected, true, 'still consuming');
    subscription.unsubscribe();
    return errors.find((e) => e.name === 'StaleBindingsError')!;
  }

  const shows = (error: Error) => [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 5 })];

  test('management API unreachable: a clear StaleBindingsError event, the bot keeps consuming', async () => {
    const started = Date.now();
    // Port 9 (discard) on localhost: refused at once.
    const error = await staleBindingsErrorWith('http://guest:s3cret-pw@127.0.0.1:9');
    assert.match(error.message, /could not list the bindings of queue\/guest\/.* from http:\/\/127\.0\.0\.1:9\/api\/queues\/%2F\/.*\/bindings: unreachable \(ECONNREFUSED\)/);
    for (const text of shows(error)) assert.ok(!text.includes('s3cret-pw'), text);
    console.log(`management unreachable: reported after ${Date.now() - started} ms`);
  });

  test('bad credentials: the error names the user and the 401, never the password', async () => {
    const error = await staleBindingsErrorWith('http://guest:wr0ng-pa55@127.0.0.1:15672');
    assert.match(error.message, /credentials refused \(HTTP 401 for user "guest"\)/);
    assert.equal((error as { status?: number }).status, 401);
    for (const text of shows(error)) assert.ok(!text.includes('wr0ng-pa55'), text);
  });

  test('no answer within the deadline: reported, not hung', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { readQueueBindings } = await import('../src/pulse/stale-bindings/bindings-reader.js');
      const started = Date.now();
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/queues/%2F/q/bindings`;
      await assert.rejects(readQueueBindings(url, 'queue/guest/q', { username: 'guest', password: 'hidden-pw' }, { timeoutMs: 300 }), (error: Error) => {
        assert.match(error.message, /no answer within 300 ms/);
        assert.ok(!JSON.stringify(error).includes('hidden-pw'));
        return true;
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('staleBindings: "handover"', () => {
  for (const mode of ['listen', 'consume'] as const) {
    test(`${mode}(), from a handover queue to the next: the old queue is unbound, drained and deleted; 0 of the B messages lost`, async () => {
      const queueName = suite.queueFor('stale-handover');
      const base = `queue/guest/${queueName}`;
      const oldQueue = `${base}/${bindingSetHash([A, B])}`;
      const newQueue = `${base}/${bindingSetHash([B, C])}`;
      extraQueues.push(oldQueue, newQueue, recordQueueOf(base));
      const deleted = (r: { events: { handover: unknown[] } }) => r.events.handover.some((e) => (e as { state: string }).state === 'deleted');
      const run = await runStaleBindingsScenario(suite, events, queueName, { staleBindings: 'handover' }, { staleBindings: 'handover' }, deleted, mode);
      assertNoStaleDelivery(run);
      assert.equal(run.queue, newQueue);
      assert.deepEqual(run.events.handover, [
        { from: oldQueue, to: newQueue, state: 'draining' },
        { from: oldQueue, to: newQueue, state: 'deleted' },
      ]);
      assert.equal(await queueExists(oldQueue), false, 'the old queue is deleted');
      assert.deepEqual(await realBindings(newQueue), [line(B), line(C)].sort());
      assert.equal(run.unboundTaskIds.filter((id) => id.startsWith('A-down')).length, 25, 'A messages left in the old queue are dropped as unbound, each reported');
      console.log(`handover, ${mode}(): 50 B received, 0 lost; caught up in ${run.catchUpMs} ms`);
    });
  }

  test('stopped mid-drain: close() stays within closeTimeoutMs, the old queue keeps the rest, the next start finishes the handover; 0 lost', async () => {
    const queueName = suite.queueFor('stale-interrupted');
    const base = `queue/guest/${queueName}`;
    const oldQueue = `${base}/${bindingSetHash([A, B])}`;
    extraQueues.push(oldQueue, `${base}/${bindingSetHash([B, C])}`, recordQueueOf(base));
    const first = suite.newClient();
    const bound = new Promise((resolve) => first.once('consuming', resolve));
    first.listen([A, B], { queueName, staleBindings: 'handover' }).subscribe();
    await bound;
    await first.close();
    const sent = Array.from({ length: 40 }, (_, i) => `B-interrupted-${i}`);
    for (const taskId of sent) await publishCompleted(suite.publisher, B, taskId);

    const handled: string[] = [];
    const slowly = async (message: { fields: { taskId: string } }) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      handled.push(message.fields.taskId);
    };
    const second = suite.newClient({ closeTimeoutMs: 2_000 });
    second.consume([B, C], slowly, { queueName, staleBindings: 'handover', concurrency: 1, prefetch: 2 }).subscribe();
    await eventually(() => handled.length >= 5, 'the drain under way');
    const closing = Date.now();
    await second.close();
    const closeMs = Date.now() - closing;
    assert.ok(closeMs < 2_000 + 1_000, `close() took ${closeMs} ms`);
    assert.equal(await queueExists(oldQueue), true, 'not deleted before it was drained');
    const handledBefore = handled.length;
    assert.ok(handledBefore < sent.length, 'stopped before the drain ended');

    const third = suite.newClient();
    const deleted = new Promise((resolve) => third.on('handover', (info) => info.state === 'deleted' && resolve(info)));
    third.consume([B, C], slowly, { queueName, staleBindings: 'handover', concurrency: 8 }).subscribe();
    await deleted;
    await eventually(() => sent.every((id) => handled.includes(id)), 'every B message handled');
    await third.close();
    assert.deepEqual(sent.filter((id) => !handled.includes(id)), []);
    assert.equal(await queueExists(oldQueue), false);
    console.log(`interrupted handover: ${handledBefore} handled before close() (${closeMs} ms), ${handled.length - handledBefore} after the restart; 0 of 40 lost`);
  });

  test('from a plain queue (the bot before it used handover): drained and deleted; 0 of the B messages lost', async () => {
    const queueName = suite.queueFor('stale-plain');
    const base = `queue/guest/${queueName}`;
    const newQueue = `${base}/${bindingSetHash([B, C])}`;
    extraQueues.push(newQueue, recordQueueOf(base));
    const run = await runStaleBindingsScenario(suite, events, queueName, {}, { staleBindings: 'handover' }, (r) =>
      r.events.handover.some((e) => (e as { state: string }).state === 'deleted'),
    );
    assertNoStaleDelivery(run);
    assert.deepEqual(run.events.handover.at(-1), { from: base, to: newQueue, state: 'deleted' });
    assert.equal(await queueExists(base), false);
  });
});

test('a bad option is refused naming the field, before any I/O', () => {
  const client = suite.newClient({ url: `${RABBIT_URL.replace('127.0.0.1', 'unreachable.invalid')}` });
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ queueName: 'q', staleBindings: 'delete' }, /staleBindings: must be "keep", "remove" or "handover", got "delete"/],
    [{ staleBindings: 'remove', managementUrl: 'from-broker' }, /staleBindings: applies to named queues only/],
    [{ queueName: 'q', staleBindings: 'remove' }, /managementUrl: is required with staleBindings: "remove"/],
    [{ queueName: 'q', staleBindings: 'remove', managementUrl: 'ftp://u:topsecret@h' }, /managementUrl: must be an http:\/\/ or https:\/\/ URL/],
    [{ queueName: 'q', staleBindings: 'remove', bindingsUrl: 'not a url' }, /bindingsUrl: must be an http:\/\/ or https:\/\/ URL, got a string of 9 characters/],
    [{ queueName: 'q', managementUrl: 'http://h:15672' }, /managementUrl: only applies with staleBindings: "remove"/],
    [{ queueName: 'q', staleBindings: 'remove', managementUrl: 'http://h', bindingsUrl: 'http://h' }, /managementUrl\/bindingsUrl: give only one of them/],
    [{ queueName: 'x'.repeat(240), staleBindings: 'handover' }, /queueName: is too long for staleBindings "handover"/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => client.listen([B], options), (error: Error) => {
      assert.equal(error.name, 'PulseConfigError');
      assert.match(error.message, message);
      assert.ok(!error.message.includes('topsecret'));
      return true;
    });
  }
  assert.equal(client.connected, false);
});

test('what "remove" unbinds goes to the logger as one line', async () => {
  const queueName = suite.queueFor('stale-log');
  const first = suite.newClient();
  const bound = new Promise((resolve) => first.once('consuming', resolve));
  const subscription = first.listen([A, B], { queueName }).subscribe();
  await bound;
  subscription.unsubscribe();
  await first.close();
  const { logger, entries } = recordingLogger();
  const second = suite.newClient({ logger });
  const unbound = new Promise((resolve) => second.once('unbound', resolve));
  const restarted = second.listen([B], { queueName, staleBindings: 'remove', managementUrl: 'from-broker' }).subscribe();
  await unbound;
  restarted.unsubscribe();
  const entry = entries.find((e) => e.fields.event === 'unbound');
  assert.deepEqual(entry, {
    level: 'info',
    fields: { event: 'unbound', queue: `queue/guest/${queueName}`, bindings: [`${A.exchange} "${A.routingKeyPattern}"`] },
    message: `removed stale bindings: ${A.exchange} "${A.routingKeyPattern}"`,
  });
});
