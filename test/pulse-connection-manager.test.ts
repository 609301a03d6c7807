/**
 * Connection management on its own, apart from the PulseClient façade: one
 * shared connection opened on demand, failover with backoff across the
 * addresses, release when idle or on close within a deadline. On the embedded
 * broker, plus a connector of the test's own for a connection that never
 * confirms its close.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { discardMemoryBroker, getMemoryBroker } from '../src/memory-broker/index.js';
import type { AmqpConnection } from '../src/pulse/amqp-api.js';
import type { PulseClientEvents } from '../src/pulse/client-events.js';
import { ClientLog } from '../src/pulse/client-log.js';
import { resolveClientOptions, type PulseClientOptions } from '../src/pulse/client-options.js';
import { ConnectionManager } from '../src/pulse/connection-manager.js';
import { registerConnector } from '../src/pulse/connectors.js';
import { Deadline } from '../src/pulse/deadline.js';
import { PasswordRedactor } from '../src/pulse/password-redactor.js';
import { ClientClosedError } from '../src/pulse/broker-errors.js';
import { REPO } from './support/project-references.js';

type EventName = keyof PulseClientEvents;

/** A manager as a PulseClient makes one, recording the events it emits. */
function managerFor(options: PulseClientOptions, inUse = () => false) {
  const resolved = resolveClientOptions({ reconnect: { initialDelayMs: 1, maxDelayMs: 5 }, ...options });
  const redactor = new PasswordRedactor(resolved.addresses);
  const events: Array<{ name: EventName; info: unknown }> = [];
  const emitter = {
    emit: (name: EventName, ...args: unknown[]) => (events.push({ name, info: args[0] }), true),
  };
  const log = new ClientLog(undefined, () => true, (text) => redactor.text(text));
  const manager = new ConnectionManager(resolved, { events: emitter, log, redactor, inUse });
  return { manager, events, named: (name: EventName) => events.filter((event) => event.name === name) };
}

const freshUrl = () => `memory://connection-manager-${randomBytes(4).toString('hex')}`;

describe('ConnectionManager', () => {
  test('callers asking at once share one connection; after it drops, the next one is a new connection', async () => {
    const url = freshUrl();
    const { manager, named } = managerFor({ url });
    const [first, second, third] = await Promise.all([manager.acquire(), manager.acquire(), manager.acquire()]);
    assert.equal(second, first);
    assert.equal(third, first);
    assert.equal(getMemoryBroker(url).connectionCount, 1);
    assert.equal(named('connected').length, 1);

    getMemoryBroker(url).simulateConnectionLoss();
    assert.ok((await first!.closed) instanceof Error);
    assert.equal(manager.connected, false);
    assert.equal(named('disconnected').length, 1);
    const next = await manager.acquire();
    assert.notEqual(next.id, first!.id);
    assert.equal(manager.connected, true);
    await manager.release();
    discardMemoryBroker(url);
  });

  test('fails over to the next address after a refused one, with a reconnecting event that keeps the password out', async () => {
    const url = freshUrl();
    const { manager, named } = managerFor({ urls: ['amqp://bot:refused-secret-41@127.0.0.1:1', url] });
    const handle = await manager.acquire();
    assert.equal(getMemoryBroker(url).connectionCount, 1);
    const [reconnecting] = named('reconnecting');
    const info = reconnecting?.info as { attempt: number; error: Error };
    assert.equal(info.attempt, 1);
    assert.doesNotMatch(`${info.error.message} ${info.error.stack} ${String(info.error.cause)}`, /refused-secret-41/);
    assert.equal(handle.lost, false);
    await manager.release();
    discardMemoryBroker(url);
  });

  test('releaseIfIdle closes the connection only with releaseWhenIdle and nothing in use', async () => {
    const url = freshUrl();
    let inUse = true;
    const { manager } = managerFor({ url, releaseWhenIdle: true }, () => inUse);
    await manager.acquire();
    await manager.releaseIfIdle();
    assert.equal(getMemoryBroker(url).connectionCount, 1, 'a connection in use stays open');
    inUse = false;
    await manager.releaseIfIdle();
    assert.equal(getMemoryBroker(url).connectionCount, 0, 'an idle connection is closed');

    const keeping = managerFor({ url, releaseWhenIdle: false }).manager;
    await keeping.acquire();
    await keeping.releaseIfIdle();
    assert.equal(getMemoryBroker(url).connectionCount, 1, 'without releaseWhenIdle the connection stays');
    await keeping.release();
    discardMemoryBroker(url);
  });

  test('after shutDown, an attempt in progress and every later acquire reject with ClientClosedError', async () => {
    // A port nobody listens on, retried forever: the attempt is in progress when shutDown comes.
    const { manager } = managerFor({ url: 'amqp://guest:guest@127.0.0.1:1', reconnect: { initialDelayMs: 50, maxDelayMs: 50 } });
    const pending = manager.acquire();
    manager.shutDown();
    await assert.rejects(pending, ClientClosedError);
    await assert.rejects(manager.acquire(), ClientClosedError);
    assert.equal(manager.isShutDown, true);
  });

  test('release keeps to its deadline when the broker never confirms the close', async () => {
    let closeCalled = false;
    const silent = Object.assign(new EventEmitter(), {
      createChannel: () => Promise.reject(new Error('not used')),
      createConfirmChannel: () => Promise.reject(new Error('not used')),
      close: () => {
        closeCalled = true;
        return new Promise<void>(() => undefined);
      },
    }) as unknown as AmqpConnection;
    registerConnector('never-closes:', async () => silent);
    const { manager } = managerFor({ url: 'never-closes://broker' });
    await manager.acquire();
    const started = performance.now();
    await manager.release(Deadline.after(100));
    const ms = performance.now() - started;
    assert.ok(closeCalled);
    assert.ok(ms < 1000, `release took ${Math.round(ms)} ms`);
  });
});

describe('the PulseClient façade', () => {
  const source = readFileSync(join(REPO, 'src/pulse/pulse-client.ts'), 'utf8');

  test('leaves connecting, failover and releasing to the connection manager', () => {
    for (const machinery of ['./bounded-connect.js', './backoff.js', './amqplib-socket.js', './connect-failure.js', './sleep.js']) {
      assert.ok(!source.includes(`'${machinery}'`), `pulse-client.ts imports ${machinery}`);
    }
    assert.match(source, /from '\.\/connection-manager\.js'/);
  });

  test('reads in one screen: at most 200 lines', () => {
    const lines = source.split('\n').length;
    assert.ok(lines <= 200, `pulse-client.ts has ${lines} lines`);
  });
});
