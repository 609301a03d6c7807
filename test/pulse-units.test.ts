/**
 * The pure parts of listening: URL redaction, backoff, client and queue
 * options, topic matching, the connector registry. No broker needed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, resolveBackoff } from '../src/pulse/backoff.js';
import { optionsFromEnv, resolveClientOptions } from '../src/pulse/client-options.js';
import { connectorFor } from '../src/pulse/connectors.js';
import { ClientClosedError, PulseClient, PulseConfigError, redactUrl, registerConnector, UnsupportedSchemeError } from '../src/pulse/index.js';
import { resolveQueueOptions } from '../src/pulse/queue-options.js';

describe('redactUrl', () => {
  test('hides the password, keeps the rest', () => {
    assert.equal(redactUrl('amqps://bot:s3cret@pulse.mozilla.org:5671/vhost?heartbeat=20'), 'amqps://bot:***@pulse.mozilla.org:5671/vhost?heartbeat=20');
    assert.equal(redactUrl('amqp://localhost'), 'amqp://localhost');
    assert.equal(redactUrl('amqp://user@host'), 'amqp://user@host');
    // An unencoded @ in the password still ends up hidden.
    assert.equal(redactUrl('amqp://user:p@ss@host:5672/'), 'amqp://user:***@host:5672/');
  });
});

describe('backoff', () => {
  test('grows exponentially, is jittered within bounds, and never exceeds maxDelayMs', () => {
    const backoff = resolveBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.2 });
    assert.equal(backoffDelay(backoff, 1, () => 0.5), 100);
    assert.equal(backoffDelay(backoff, 2, () => 0.5), 200);
    assert.equal(backoffDelay(backoff, 3, () => 0), 320);
    assert.equal(backoffDelay(backoff, 3, () => 1), 480);
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const r of [0, 0.5, 0.999]) assert.ok(backoffDelay(backoff, attempt, () => r) <= 1_000);
    }
    // At the cap, delays still spread out instead of piling onto one value.
    assert.notEqual(backoffDelay(backoff, 30, () => 0), backoffDelay(backoff, 30, () => 0.999));
  });

  test('rejects nonsense, naming the field', () => {
    assert.throws(() => new PulseClient({ url: 'amqp://x', reconnect: { jitter: 2 } }), /reconnect\.jitter: must be between 0 and 1/);
    assert.throws(() => new PulseClient({ url: 'amqp://x', reconnect: { factor: 0.5 } }), /reconnect\.factor/);
  });
});

describe('client options', () => {
  test('username/password/hostname make an amqps URL on 5671, namespace = username, with a heartbeat', () => {
    const resolved = resolveClientOptions({ username: 'my-bot', password: 'p/w@rd', hostname: 'pulse.example.com', vhost: 'tc' });
    const [address] = resolved.addresses;
    assert.equal(address!.connectorUrl(), 'amqps://my-bot:p%2Fw%40rd@pulse.example.com:5671/tc?heartbeat=20');
    assert.equal(address!.display, 'amqps://my-bot:***@pulse.example.com:5671/tc?heartbeat=20');
    assert.deepEqual(address!.amqplibOptions(), { protocol: 'amqps', hostname: 'pulse.example.com', port: 5671, username: 'my-bot', password: 'p/w@rd', vhost: 'tc', heartbeat: 20 });
    assert.equal(resolved.namespace, 'my-bot');
    assert.match(resolved.connectionName, /^taskcluster-pulse\/my-bot\//);
  });

  test('a URL gives the namespace from its username; amqp URLs keep their port; heartbeat only added once', () => {
    const resolved = resolveClientOptions({ url: 'amqp://some%2Duser:pw@localhost:5672?heartbeat=5', heartbeatSeconds: 30 });
    assert.equal(resolved.namespace, 'some-user');
    assert.deepEqual(resolved.addresses.map((a) => a.display), ['amqp://some-user:***@localhost:5672?heartbeat=5']);
    assert.equal(resolveClientOptions({ url: 'amqp://localhost' }).namespace, 'guest');
    assert.equal(resolveClientOptions({ url: 'amqp://localhost', namespace: 'other' }).namespace, 'other');
  });

  test('invalid combinations are refused, naming the field, never quoting the password', () => {
    const cases: Array<[Parameters<typeof resolveClientOptions>[0], RegExp]> = [
      [{}, /hostname: is required/],
      [{ hostname: 'h', password: 'x' }, /username: is required/],
      [{ hostname: 'h', username: 'u' }, /password: is required/],
      [{ url: 'amqp://a', hostname: 'h' }, /url\/hostname: give only one/],
      [{ url: 'amqp://a', vhost: 'v' }, /vhost: cannot be combined with url/],
      [{ urls: [] }, /urls: must hold at least one URL/],
      [{ url: 'pulse.mozilla.org' }, /url: must be a URL like/],
      [{ url: 'amqp://a', namespace: 'no/slash' }, /namespace: must be/],
      [{ url: 'amqp://a', heartbeatSeconds: -1 }, /heartbeatSeconds/],
      [{ hostname: 'h', username: 'u', password: 'p', port: 70000 }, /port: must be an integer/],
    ];
    for (const [options, message] of cases) assert.throws(() => resolveClientOptions(options), (e: Error) => e instanceof PulseConfigError && message.test(e.message));
    assert.throws(
      () => resolveClientOptions({ url: 'not-a-url-with-secret:topsecret@x' }),
      (e: Error) => !e.message.includes('topsecret'),
    );
  });

  test('fromEnv: PULSE_URL, or the PULSE_* parts, or a local broker as guest', () => {
    assert.deepEqual(optionsFromEnv({ PULSE_URL: 'amqps://u:p@h' }), { url: 'amqps://u:p@h' });
    assert.deepEqual(optionsFromEnv({ PULSE_USERNAME: 'u', PULSE_PASSWORD: 'p', PULSE_HOSTNAME: 'h', PULSE_VHOST: 'v' }), {
      username: 'u',
      password: 'p',
      hostname: 'h',
      vhost: 'v',
    });
    assert.deepEqual(optionsFromEnv({}), { url: 'amqp://guest:guest@localhost:5672' });
    assert.throws(() => optionsFromEnv({ PULSE_USERNAME: 'u' }), /PULSE_PASSWORD, PULSE_HOSTNAME: must be set too when PULSE_USERNAME is set/);
    assert.throws(() => optionsFromEnv({ PULSE_URL: 'amqp://x', PULSE_HOSTNAME: 'h' }), /cannot be combined with PULSE_URL/);
    const client = PulseClient.fromEnv({ namespace: 'ns' }, { PULSE_USERNAME: 'u', PULSE_PASSWORD: 'secret', PULSE_HOSTNAME: 'pulse.example.com' });
    assert.equal(client.namespace, 'ns');
    assert.deepEqual(client.urls, ['amqps://u:***@pulse.example.com:5671?heartbeat=20']);
  });
});

describe('a closed client', () => {
  test('close() is idempotent; subscribing afterwards ends the stream with ClientClosedError', async () => {
    const client = new PulseClient({ url: 'amqp://guest:guest@127.0.0.1:1' });
    await Promise.all([client.close(), client.close()]);
    assert.equal(client.closed, true);
    const binding = { exchange: 'e', routingKeyPattern: '#', routingKeyReference: [], name: 'n', serviceName: 's', schema: '' };
    const error = await new Promise<Error>((resolve) => client.listen(binding).subscribe({ error: resolve }));
    assert.ok(error instanceof ClientClosedError);
    await assert.rejects(client.queueStatus('q'), ClientClosedError);
  });
});

describe('queue options', () => {
  test('named queues: durable quorum under the namespace, with bounds and a dead-letter exchange', () => {
    const declaration = resolveQueueOptions('bot', { queueName: 'builds', maxLength: 5000, overflow: 'drop-head', deadLetter: { exchange: 'dead', queue: 'dead' } });
    assert.equal(declaration.nameFor(), 'queue/bot/builds');
    assert.equal(declaration.nameFor(), 'queue/bot/builds', 'a named queue keeps its name');
    assert.deepEqual(declaration.assertOptions, {
      durable: true,
      exclusive: false,
      autoDelete: false,
      arguments: { 'x-max-length': 5000, 'x-overflow': 'drop-head', 'x-dead-letter-exchange': 'exchange/bot/dead', 'x-queue-type': 'quorum' },
    });
    assert.equal(declaration.deadLetterQueue, 'queue/bot/dead');
  });

  test('unnamed queues: exclusive, a fresh name each time, deleted when the subscription ends', () => {
    const declaration = resolveQueueOptions('bot', {});
    const a = declaration.nameFor();
    assert.match(a, /^queue\/bot\/ephemeral-[0-9a-f]{16}$/);
    assert.notEqual(declaration.nameFor(), a);
    assert.equal(declaration.assertOptions.exclusive, true);
    assert.equal(declaration.deleteOnStop, true);
  });

  test('expires: x-expires on named queues, an integer of milliseconds within RabbitMQ\'s limits', () => {
    assert.equal(resolveQueueOptions('bot', { queueName: 'q', expires: 86_400_000 }).assertOptions.arguments?.['x-expires'], 86_400_000);
    assert.equal(resolveQueueOptions('bot', { queueName: 'q' }).assertOptions.arguments?.['x-expires'], undefined);
    for (const bad of [0, -1, 1.5, 4_294_967_296, Number.NaN, '60000' as never]) {
      assert.throws(() => resolveQueueOptions('bot', { queueName: 'q', expires: bad }), /^PulseConfigError: expires: must be an integer number of milliseconds 1-4294967295/);
    }
    assert.throws(() => resolveQueueOptions('bot', { expires: 60_000 }), /expires: only applies to named queues/);
  });

  test('bad values name the field and rule', () => {
    assert.throws(() => resolveQueueOptions('bot', { overflow: 'drop-head' }), /overflow: only applies with maxLength/);
    assert.throws(() => resolveQueueOptions('bot', { maxLength: 10, overflow: 'reject' as never }), /overflow: must be "drop-head" or "reject-publish"/);
    assert.throws(() => resolveQueueOptions('bot', { queueName: 'x'.repeat(300) }), /queueName: makes a queue name of \d+ bytes/);
    assert.throws(() => resolveQueueOptions('bot', { queueName: 'has space' }), /queueName: must be letters/);
    assert.throws(() => resolveQueueOptions('bot', { deadLetter: { exchange: 'exchange/bot/x' } }), /deadLetter\.exchange: give the short name/);
  });
});

describe('connectors', () => {
  test('amqp and amqps use amqplib; unknown schemes are refused clearly', async () => {
    assert.equal(typeof (await connectorFor('amqp://x')), 'function');
    assert.equal(await connectorFor('amqps://x'), await connectorFor('amqp://x'));
    await assert.rejects(connectorFor('http://x'), (e: Error) => e instanceof UnsupportedSchemeError && /unsupported broker URL scheme "http:"/.test(e.message));
  });

  test('registerConnector plugs in a transport by scheme, and checks the scheme', async () => {
    const fake = async () => {
      throw new Error('fake transport reached');
    };
    registerConnector('fake-transport:', fake);
    assert.equal(await connectorFor('fake-transport://anything'), fake);
    assert.throws(() => registerConnector('Memory', fake), /scheme must look like "memory:"/);
    const client = new PulseClient({ url: 'fake-transport://x', reconnect: { maxAttempts: 1 } });
    const error = await new Promise<Error>((resolve) => client.listen({ exchange: 'e', routingKeyPattern: '#', routingKeyReference: [], name: 'n', serviceName: 's', schema: '' }).subscribe({ error: resolve }));
    assert.match(error.message, /fake transport reached/);
  });
});
