/**
 * How soon a dead link is noticed: the link goes half-open (a paused TCP
 * proxy: sockets open, nothing gets through), and the client must report
 * `disconnected` with a `HeartbeatTimeoutError` two heartbeat intervals after
 * the broker's last byte (at most 2.2), as docs/listening.md says. And a busy
 * event loop is not mistaken for a dead link.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { HeartbeatTimeoutError, type AmqpConnection } from '../src/pulse/index.js';
import { watchHeartbeat } from '../src/pulse/heartbeat-watchdog.js';
import { consumingOn } from './support/rabbit.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents } from './support/rabbit-fixtures.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const events = privateQueueEvents();
const binding = events.taskCompleted();
const suite = useRabbitSuite({ exchanges: [binding.exchange], connectionPrefix: 'pulse-heartbeat-test' });

/** Extra time for timers and loaded CI machines; small against the intervals measured. */
const SLACK_MS = 300;

async function detectionAfterPause(t: TestContext, heartbeatSeconds: number): Promise<{ afterPauseMs: number; error: Error | undefined }> {
  const link = await startTcpProxy();
  t.after(() => link.close());
  const client = suite.newClient({ url: link.url, heartbeatSeconds });
  client.on('error', () => undefined);
  const ready = consumingOn(client);
  const subscription = client.listen(binding).subscribe();
  t.after(() => subscription.unsubscribe());
  await ready;
  // Let heartbeats flow for a while, so the pause falls anywhere between two of them.
  await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * heartbeatSeconds * 1000));
  const lost = new Promise<Error | undefined>((resolve) => client.once('disconnected', ({ error }) => resolve(error)));
  link.pause();
  const paused = performance.now();
  const error = await lost;
  return { afterPauseMs: Math.round(performance.now() - paused), error };
}

describe('dead-link detection', { timeout: 60_000 }, () => {
  for (const heartbeatSeconds of [1, 2]) {
    test(`heartbeat ${heartbeatSeconds} s: a half-open link is declared dead after 2 to 2.2 intervals of silence`, async (t) => {
      const intervalMs = heartbeatSeconds * 1000;
      for (let sample = 0; sample < 2; sample++) {
        const { afterPauseMs, error } = await detectionAfterPause(t, heartbeatSeconds);
        assert.ok(error instanceof HeartbeatTimeoutError, `disconnected with a HeartbeatTimeoutError, got ${error?.name}: ${error?.message}`);
        t.diagnostic(`heartbeat ${heartbeatSeconds} s: silent for ${error.silentMs} ms (${(error.silentMs / intervalMs).toFixed(2)}×), noticed ${afterPauseMs} ms after the pause (${(afterPauseMs / intervalMs).toFixed(2)}×)`);
        assert.ok(error.silentMs >= 2 * intervalMs, `silence ${error.silentMs} ms is at least two intervals`);
        assert.ok(error.silentMs <= 2.2 * intervalMs + SLACK_MS, `silence ${error.silentMs} ms is at most 2.2 intervals`);
        // The broker's last heartbeat came at most half an interval before the pause.
        assert.ok(afterPauseMs >= 1.5 * intervalMs - SLACK_MS && afterPauseMs <= 2.2 * intervalMs + SLACK_MS, `noticed ${afterPauseMs} ms after the pause`);
      }
    });
  }

  test('a busy event loop is not a dead link: input read late still counts', async (t) => {
    // A peer that sends a byte every 50 ms, on a real loopback socket.
    const server = net.createServer((peer) => {
      const timer = setInterval(() => peer.write('x'), 50);
      peer.on('close', () => clearInterval(timer));
      peer.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    t.after(async () => {
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    socket.on('data', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    let closedWith: Error | undefined;
    socket.on('error', (error) => (closedWith = error));
    // Shaped like amqplib's ChannelModel: the socket and negotiated heartbeat under `connection`.
    const connection = { connection: { stream: socket, heartbeat: 1 }, once: () => undefined } as unknown as AmqpConnection;
    watchHeartbeat(connection);
    // Block the event loop for 2.5 intervals: when the watchdog's timer runs, the
    // bytes that arrived meanwhile are still unread.
    const until = Date.now() + 2_500;
    while (Date.now() < until);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(closedWith, undefined);
    assert.equal(socket.destroyed, false);
  });

  test('a connection without a socket (the memory broker) is left alone', () => {
    const connection = { connection: { serverProperties: {} }, once: () => assert.fail('nothing to watch') } as unknown as AmqpConnection;
    watchHeartbeat(connection);
  });
});
