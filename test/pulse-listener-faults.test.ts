/**
 * A user's event listener that throws must not corrupt the client: the
 * exception is logged once, the other listeners still run, and the client
 * carries on. Against the real broker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EventEmitter } from 'eventemitter3';
import { emitIsolated } from '../src/pulse/isolated-emit.js';
import type { PulseMessage } from '../src/pulse/index.js';
import { eventually } from './support/rabbit.js';
import { recordingLogger } from './support/recording-logger.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { privateQueueEvents, publishCompleted, routingKeyFor, taskFields } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const suite = useRabbitSuite({ exchanges: [events.taskCompleted().exchange], connectionPrefix: 'pulse-listener-faults-test' });

describe('listener isolation', () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => void uncaught.push(error);
  // Without isolation, a throwing 'error' listener ends the process from inside amqplib; record it instead, to fail the test.
  before(() => process.on('uncaughtException', onUncaught));
  after(() => process.off('uncaughtException', onUncaught));

  test('a consuming listener that throws: one consumer on the queue after seconds, messages handled, one log entry', async () => {
    const { logger, entries } = recordingLogger();
    const client = suite.newClient({ logger });
    client.on('error', () => undefined);
    let consumingCalls = 0;
    client.on('consuming', () => {
      consumingCalls++;
      throw new Error('bug in the bot');
    });
    const queueName = suite.queueFor('consuming-throws');
    const binding = events.taskCompleted();
    const received: PulseMessage[] = [];
    const subscription = client.listen(binding, { queueName }).subscribe((message) => void received.push(message));
    try {
      await eventually(() => consumingCalls > 0, 'consuming', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const status = await client.queueStatus(queueName);
      assert.equal(status.consumerCount, 1);
      assert.equal(consumingCalls, 1);
      await publishCompleted(suite.publisher, binding, 'task-a');
      await eventually(() => received.length === 1, 'the message', 10_000);
      const faults = entries.filter((e) => e.fields.event === 'listener-error');
      assert.equal(faults.length, 1);
      assert.equal(faults[0]!.level, 'error');
      assert.equal(faults[0]!.fields.listenerEvent, 'consuming');
      assert.match(faults[0]!.message ?? '', /a listener for "consuming" threw \(ignored; the client carries on\): bug in the bot/);
      assert.deepEqual(uncaught, []);
    } finally {
      subscription.unsubscribe();
    }
  });

  test('an error listener that throws: the process survives, later listeners still hear, messages are still handled', async () => {
    const { logger, entries } = recordingLogger();
    const client = suite.newClient({ logger });
    const heardLater: Error[] = [];
    client.on('error', () => {
      throw new Error('bug in the error handler');
    });
    client.on('error', (error) => heardLater.push(error));
    const connectedSeen: string[] = [];
    client.on('connected', () => {
      throw new Error('bug in the connected handler');
    });
    client.on('connected', (info) => connectedSeen.push(info.url));
    const binding = events.taskCompleted({ taskId: 'task-b' });
    const received: PulseMessage[] = [];
    const ready = new Promise((resolve) => client.once('consuming', resolve));
    const subscription = client.listen(binding).subscribe((message) => void received.push(message));
    try {
      await ready;
      await suite.publisher.publish(binding.exchange, routingKeyFor(binding, taskFields('task-b')), Buffer.from('not json'));
      await publishCompleted(suite.publisher, binding, 'task-b');
      await eventually(() => received.length === 1 && heardLater.length === 1, 'the good message and the error event', 10_000);
      assert.equal(heardLater[0]!.name, 'MalformedMessageError');
      assert.equal(connectedSeen.length, 1);
      const faults = entries.filter((e) => e.fields.event === 'listener-error').map((e) => e.fields.listenerEvent);
      assert.deepEqual(faults.sort(), ['connected', 'error']);
      assert.deepEqual(uncaught, []);
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('emitIsolated', () => {
  test("keeps eventemitter3's semantics: order, once, context, return value", () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const context = { name: 'ctx' };
    const faults: unknown[] = [];
    emitter.on('x', () => void calls.push('first'));
    emitter.once('x', function (this: typeof context, value: number) {
      calls.push(`once ${this.name} ${value}`);
      throw new Error('thrown');
    }, context);
    emitter.on('x', (value: number) => void calls.push(`last ${value}`));
    assert.equal(emitIsolated(emitter, 'x', [1], (e) => faults.push(e)), true);
    assert.equal(emitIsolated(emitter, 'x', [2], (e) => faults.push(e)), true);
    assert.deepEqual(calls, ['first', 'once ctx 1', 'last 1', 'first', 'last 2']);
    assert.equal(faults.length, 1);
    assert.equal(emitIsolated(emitter, 'none', [], () => undefined), false);
    emitter.once('single', () => calls.push('single'));
    emitIsolated(emitter, 'single', [], () => undefined);
    assert.equal(emitter.listenerCount('single'), 0);
  });
});
