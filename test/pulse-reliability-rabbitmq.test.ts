/**
 * The reliability scenarios on the real RabbitMQ, and two that only make
 * sense here: the client's backoff against a port nothing listens on (no
 * broker involved, so it runs once), and refused credentials (the memory
 * broker has no users).
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { ConnectionFailedError, PulseClient, type PulseClientOptions } from '../src/pulse/index.js';
import { rabbitTarget } from './support/broker-target.js';
import { uniqueName } from './support/rabbit.js';
import { privateQueueEvents } from './support/rabbit-fixtures.js';
import { defineReliabilitySuite } from './support/reliability-suite.js';

defineReliabilitySuite(rabbitTarget);

describe('reliability, RabbitMQ only', () => {
  // Neither test gets as far as declaring anything.
  const binding = privateQueueEvents().taskCompleted();

  /** A client closed after the test; its errors are the test's to check. */
  function newClient(t: TestContext, options: PulseClientOptions): PulseClient {
    const client = new PulseClient({ connectionName: uniqueName('pulse-reliability-test'), closeTimeoutMs: 2_000, ...options });
    client.on('error', () => undefined);
    t.after(() => client.close());
    return client;
  }

  test('an unreachable broker: reconnecting events with growing, jittered delays; maxAttempts ends streams with ConnectionFailedError', async (t) => {
    const client = newClient(t, { url: 'amqp://guest:guest@127.0.0.1:1', reconnect: { initialDelayMs: 20, maxDelayMs: 1_000, maxAttempts: 5 } });
    const delays: number[] = [];
    client.on('reconnecting', (info) => delays.push(info.delayMs));
    const failure = await new Promise<Error>((resolve) => client.listen(binding).subscribe({ error: resolve }));
    assert.ok(failure instanceof ConnectionFailedError, String(failure));
    assert.match(failure.message, /after 5 attempts/);
    assert.equal(delays.length, 4);
    for (const [i, d] of delays.entries()) {
      const base = 20 * 2 ** i;
      assert.ok(d >= base * 0.8 - 1 && d <= base * 1.2 + 1, `delay ${i + 1} = ${d} within 20% of ${base}`);
    }
  });

  test('wrong credentials fail fast, and the password appears in no error or event', async (t) => {
    const secret = 'hunter2-s3cret';
    const client = newClient(t, { hostname: '127.0.0.1', protocol: 'amqp', username: 'guest', password: secret });
    const seen: string[] = [];
    client.on('reconnecting', (info) => seen.push(info.error.message));
    client.on('error', (e) => seen.push(e.message));
    const failure = await new Promise<Error>((resolve) => client.listen(binding).subscribe({ error: resolve }));
    assert.ok(failure instanceof ConnectionFailedError);
    assert.match(failure.message, /refused the credentials/);
    assert.ok(client.urls.every((url) => !url.includes(secret)));
    for (const text of [failure.message, String(failure.cause), failure.stack ?? '', ...seen, ...client.urls]) {
      assert.ok(!text.includes(secret), `no password in: ${text}`);
    }
  });
});
