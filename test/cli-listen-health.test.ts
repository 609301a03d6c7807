/**
 * `tc-pulse listen --health-port`: the built CLI serves /healthz and /readyz
 * while it listens on the real RabbitMQ; a bad port is a usage error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startListener, tcPulse } from './support/cli.js';
import { RABBIT_URL, TestPublisher, uniqueName } from './support/rabbit.js';

describe('tc-pulse listen --health-port', () => {
  let publisher: TestPublisher;
  const exchange = `exchange/guest/${uniqueName('metrics-health-cli')}`;
  before(async () => {
    publisher = await TestPublisher.open();
    await publisher.exchange(exchange);
  });
  after(async () => {
    await publisher?.close();
  });

  it('answers the probes with the client health while listening', async (t) => {
    const listener = startListener(t, [exchange, '#', '--health-port', '0', '--count', '1'], { PULSE_URL: RABBIT_URL });
    const stderr = await listener.ready;
    const url = /health checks on (http:\/\/127\.0\.0\.1:\d+)\/healthz and \1\/readyz/.exec(stderr)?.[1];
    assert.ok(url, stderr);
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(ready.status, 200);
    const health = (await ready.json()) as { status: string; connected: boolean; subscriptions: Array<{ consuming: boolean; queue: string }> };
    assert.equal(health.status, 'ok');
    assert.equal(health.connected, true);
    assert.deepEqual(health.subscriptions.map((s) => s.consuming), [true]);
    assert.match(health.subscriptions[0]!.queue, /^queue\/guest\/ephemeral-/);
    assert.equal((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })).status, 200);
    // One message ends the command (--count 1), and the endpoint with it.
    await publisher.publish(exchange, 'a.b', { hello: 'health' });
    const { code } = await listener.exited;
    assert.equal(code, 0);
    await assert.rejects(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }));
  });

  it('a bad port, or a host without a port, is a usage error before connecting', () => {
    for (const [args, message] of [
      [['--health-port', 'x'], /--health-port must be a port number 0-65535, got "x"/],
      [['--health-port', '70000'], /--health-port must be a port number 0-65535, got "70000"/],
      [['--health-host', '0.0.0.0'], /--health-host needs --health-port/],
    ] as const) {
      const result = tcPulse(['listen', exchange, '#', ...args], { env: { PULSE_URL: 'amqp://guest:guest@127.0.0.1:1' } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});
