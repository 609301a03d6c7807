/**
 * The pure parts of listen() and consume(): option checks, retry delays from
 * user functions, the handler timeout watch. No broker. (Delivery counts:
 * delivery-counter.test.ts; the session: consume-session.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HandlerRun, InFlightHandlers } from '../src/pulse/in-flight-handlers.js';
import { PulseClient, PulseConfigError, RetryDelayError } from '../src/pulse/index.js';
import type { ReceivedMessage } from '../src/pulse/pulse-message.js';
import { retryDelayOf } from '../src/pulse/retry-delay.js';

const binding = { exchange: 'e', routingKeyPattern: '#', routingKeyReference: [], name: 'n', serviceName: 's', schema: '' };

describe('listen() and consume() options', () => {
  test('bad listen options fail at once, naming the field, before any network I/O', () => {
    // An address nothing listens on: any I/O attempt would show up as a connection error, not these.
    const client = new PulseClient({ url: 'amqp://nobody:secret@127.0.0.1:1', reconnect: { maxAttempts: 1 } });
    assert.throws(() => client.listen([]), /bindings: must hold at least one binding/);
    assert.throws(() => client.listen(binding, { maxLength: 10 }), /overflow: is required with maxLength/);
    assert.throws(() => client.listen(binding, { queueType: 'quorum' }), /queueType: quorum queues must be named/);
    assert.throws(() => client.listen(binding, { queueName: 'queue/guest/x' }), /queueName: give the short name/);
    assert.throws(() => client.listen(binding, { prefetch: 0 }), /prefetch: must be an integer 1-65535/);
    assert.throws(() => client.listen({ exchange: 'x' } as never), /bindings\[0\]\.routingKeyPattern/);
    assert.throws(() => client.consume(binding, () => undefined, { concurrency: 0 }), /concurrency: must be a positive integer/);
    assert.equal(client.connected, false);
  });

  test('bad values are refused at the call, naming the field and the rule, before any network I/O', () => {
    // Port 1: nothing listens there, so any connection attempt would fail differently.
    const client = new PulseClient({ url: 'amqp://guest:guest@127.0.0.1:1' });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ handlerTimeoutMs: 0 }, /handlerTimeoutMs: must be a number of milliseconds 1-2147483647, or Infinity, got 0/],
      [{ handlerTimeoutMs: -5 }, /handlerTimeoutMs: must be/],
      [{ handlerTimeoutMs: Number.NaN }, /handlerTimeoutMs: must be/],
      [{ handlerTimeoutMs: 2 ** 31 }, /handlerTimeoutMs: must be/],
      [{ handlerTimeoutMs: '1000' }, /handlerTimeoutMs: must be/],
      [{ retryDelayMs: -1 }, /retryDelayMs: must be a number of milliseconds 0-2147483647 or a function, got -1/],
      [{ retryDelayMs: Infinity }, /retryDelayMs: must be/],
      [{ retryDelayMs: '10' }, /retryDelayMs: must be/],
      [{ signal: {} }, /signal: must be an AbortSignal/],
      [{ concurrency: 0 }, /concurrency: must be a positive integer/],
      [{ maxDeliveries: 1.5 }, /maxDeliveries: must be a positive integer/],
      [{ consumerTimeoutMs: 0 }, /consumerTimeoutMs: must be an integer number of milliseconds 1000-2147483647 \(the broker's consumer_timeout\), got 0/],
      [{ consumerTimeoutMs: 1_500.5 }, /consumerTimeoutMs: must be/],
      [{ consumerTimeoutMs: '1800000' }, /consumerTimeoutMs: must be/],
      // Asking for holding where it cannot be done (no retry exchange to bring a copy back): refused.
      [{ consumerTimeoutMs: 60_000, handlerTimeoutMs: Infinity }, /consumerTimeoutMs: with handlerTimeoutMs Infinity \(past 54000 ms\) needs retryQueues: true/],
      [{ queueName: 'q', consumerTimeoutMs: 600_000, handlerTimeoutMs: 541_000 }, /consumerTimeoutMs: with handlerTimeoutMs 541000 \(past 540000 ms\) needs retryQueues: true/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => client.consume(binding, () => undefined, options), (e: Error) => e instanceof PulseConfigError && message.test(e.message), JSON.stringify(options));
    }
    assert.doesNotThrow(() => client.consume(binding, () => undefined, { handlerTimeoutMs: Infinity, retryDelayMs: () => 5, signal: new AbortController().signal }));
    // Handlers that never outlive the hold point, or holding with retry queues: accepted.
    assert.doesNotThrow(() => client.consume(binding, () => undefined, { consumerTimeoutMs: 600_000, handlerTimeoutMs: 540_000 }));
    assert.doesNotThrow(() => client.consume(binding, () => undefined, { queueName: 'q', retryQueues: true, consumerTimeoutMs: 3_000, handlerTimeoutMs: Infinity }));
    assert.equal(client.connected, false);
  });

  test('a signal aborted before subscribing completes the stream at once, without connecting', async () => {
    const client = new PulseClient({ url: 'amqp://guest:guest@127.0.0.1:1' });
    const completed = await new Promise<boolean>((resolve, reject) =>
      client.consume(binding, () => undefined, { signal: AbortSignal.abort() }).subscribe({ complete: () => resolve(true), error: reject }),
    );
    assert.equal(completed, true);
    assert.equal(client.connected, false);
  });
});

describe('retry delays from a function', () => {
  test('a function that throws or answers nonsense gets the default delay, reported; a good answer is used', () => {
    const reports: Error[] = [];
    const answers: Record<number, () => unknown> = {
      1: () => {
        throw new Error('oops');
      },
      2: () => Number.NaN,
      3: () => 'soon',
      4: () => -5,
      5: () => 2 ** 40,
      6: () => 250,
    };
    const delay = retryDelayOf((n) => answers[n]!() as number, (error) => reports.push(error));
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(delay), [1000, 2000, 4000, 8000, 16000, 250]);
    assert.equal(reports.length, 5);
    assert.ok(reports.every((e) => e instanceof RetryDelayError));
    assert.match(reports[0]!.message, /retryDelayMs\(1\) threw; waiting the default 1000 ms instead/);
    assert.equal((reports[0]!.cause as Error).message, 'oops');
    assert.match(reports[2]!.message, /retryDelayMs\(3\) returned "soon", not a number of milliseconds/);
  });
});

describe('InFlightHandlers', () => {
  const message = {} as ReceivedMessage;

  test('runs past their deadline expire oldest first; ended ones never do; one timer serves them all', async () => {
    const expired: HandlerRun[] = [];
    const inFlight = new InFlightHandlers(60, (run) => expired.push(run));
    const [a, b, c] = [new HandlerRun(message, 1), new HandlerRun(message, 2), new HandlerRun(message, 3)];
    inFlight.add(a);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight.add(b);
    inFlight.add(c);
    assert.equal(inFlight.delete(b), true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(expired, [a], 'a only: b ended, c is younger');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(expired, [a, c]);
    assert.equal(inFlight.delete(c), false, 'an expired run is no longer in flight');
    inFlight.dispose();
  });

  test('Infinity never expires anything and arms no timer', async () => {
    const expired: HandlerRun[] = [];
    const inFlight = new InFlightHandlers(Infinity, (run) => expired.push(run));
    inFlight.add(new HandlerRun(message, 1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(expired, []);
    assert.equal(inFlight.take(() => true).length, 1);
  });
});
