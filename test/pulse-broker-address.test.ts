/**
 * Broker URLs and credentials: one parser (BrokerAddress), passwords holding
 * every reserved character, unencoded or encoded, never shown anywhere, and
 * URLs that can never work refused before any I/O.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { BrokerAddress, ConnectionFailedError, PulseClient, PulseConfigError, redactUrl } from '../src/pulse/index.js';
import { PulsePublisher } from '../src/testing/index.js';
import { rabbitmqctl, uniqueName } from './support/rabbit.js';
import { recordingLogger } from './support/recording-logger.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESERVED = [':', '/', '?', '#', '[', ']', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', '%', ' '];
/** A password with `c` in it twice; its ends are markers no redacted text may contain. */
const passwordWith = (c: string) => `S3cr${c}et${c}Xq9`;
const leaks = (text: string) => text.includes('S3cr') || text.includes('Xq9');
const forms = (c: string) => [
  ['unencoded', passwordWith(c)],
  ['encoded', encodeURIComponent(passwordWith(c))],
] as const;
const binding = { exchange: 'e', routingKeyPattern: '#', routingKeyReference: [], name: 'n', serviceName: 's', schema: '' };

/** Runs a subscription until it errors; the test's own deadline bounds it. */
function failureOf(client: PulseClient): Promise<Error> {
  return new Promise<Error>((resolve) => client.listen(binding).subscribe({ error: resolve }));
}

describe('BrokerAddress', () => {
  test('every reserved character in a password, unencoded or encoded: parsed to the same password, shown as ***', () => {
    for (const c of RESERVED) {
      for (const [form, written] of forms(c)) {
        const address = BrokerAddress.parse(`amqps://bot:${written}@pulse.example.com:5671/tc%2Fprod?heartbeat=7`);
        const what = `${JSON.stringify(c)} ${form}`;
        assert.equal(address.amqplibOptions().password, passwordWith(c), what);
        assert.equal(address.username, 'bot', what);
        assert.equal(address.hostname, 'pulse.example.com', what);
        assert.equal(address.port, 5671, what);
        assert.equal(address.vhost, 'tc/prod', what);
        assert.equal(address.parameter('heartbeat'), '7', what);
        assert.equal(address.display, 'amqps://bot:***@pulse.example.com:5671/tc%2Fprod?heartbeat=7', what);
        for (const shown of [String(address), JSON.stringify({ address }), inspect(address), inspect({ address }, { depth: 5, showHidden: true })]) {
          assert.ok(!leaks(shown), `${what}: ${shown}`);
        }
        assert.equal(redactUrl(`amqps://bot:${written}@pulse.example.com:5671/tc`), 'amqps://bot:***@pulse.example.com:5671/tc', what);
        assert.equal(address.redact(`refused ${passwordWith(c)} / ${encodeURIComponent(passwordWith(c))}`), 'refused *** / ***', what);
      }
    }
  });

  test('vhost: / or none is the default vhost, %2F is /; the user ends at the first colon', () => {
    assert.equal(BrokerAddress.parse('amqp://h').vhost, '/');
    assert.equal(BrokerAddress.parse('amqp://h/').vhost, '/');
    assert.equal(BrokerAddress.parse('amqp://h/%2F').vhost, '/');
    assert.equal(BrokerAddress.parse('amqp://u:p@h/my%20vhost').vhost, 'my vhost');
    const address = BrokerAddress.parse('amqp://u%40corp:a:b@h');
    assert.equal(address.username, 'u@corp');
    assert.equal(address.amqplibOptions().password, 'a:b');
    assert.equal(BrokerAddress.parse('amqp://[::1]:5673').amqplibOptions().hostname, '::1');
    assert.deepEqual(BrokerAddress.parse('amqp://localhost').amqplibOptions(), { protocol: 'amqp', hostname: 'localhost', vhost: '%2F' });
  });

  test('a URL that can never work is refused by the constructor, naming the field and rule, never quoting the password', () => {
    const cases: Array<[object, RegExp]> = [
      [{ url: 'http://u:S3cr/et@broker.example.com' }, /^url: unsupported scheme "http:\/\/"; use one of amqp:\/\/, amqps:\/\/, memory:\/\//],
      [{ url: 'amqp://u:S3cr/et@broker.example.com:56x2' }, /^url: the port after the host must be a number 1-65535$/],
      [{ url: 'amqp://u:S3cr#et@broker.example.com:70000' }, /^url: the port after the host must be a number 1-65535$/],
      [{ urls: ['amqp://u:S3cr@a:5672', 'amqp://u:S3cr?Xq9@b:port'] }, /^urls\[1\]: the port after the host must be a number 1-65535$/],
      [{ url: 'amqp://u:S3cr?Xq9@' }, /^url: has no host/],
      [{ url: 'amqp://u:S3cretXq9' }, /^url: the port after the host must be a number/],
      [{ url: 'amqp://h?heartbeat=soon' }, /^url: the connection parameter heartbeat must be an integer >= 0/],
      [{ url: 'broker.example.com:5672' }, /^url: must be a URL like amqps:\/\//],
    ];
    for (const [options, rule] of cases) {
      assert.throws(
        () => new PulseClient(options),
        (error: Error) => error instanceof PulseConfigError && rule.test(error.message) && !leaks(error.message),
        JSON.stringify(options),
      );
    }
    assert.throws(() => new PulsePublisher({ url: 'http://broker.example.com' }), { name: 'PulseConfigError', message: /^url: unsupported scheme/ });
  });
});

describe('passwords with reserved characters never show', () => {
  test('client.urls, util.inspect and JSON.stringify of client and publisher, and ConnectionFailedError on a closed port', async () => {
    for (const c of RESERVED) {
      for (const [form, written] of forms(c)) {
        const url = `amqp://bot:${written}@127.0.0.1:1`;
        const what = `${JSON.stringify(c)} ${form}`;
        const { logger, entries } = recordingLogger();
        const client = new PulseClient({ url, reconnect: { maxAttempts: 2, initialDelayMs: 1 }, logger });
        const publisher = new PulsePublisher({ url });
        assert.deepEqual(client.urls, ['amqp://bot:***@127.0.0.1:1?heartbeat=20'], what);
        const reconnecting: string[] = [];
        client.on('reconnecting', ({ error }) => reconnecting.push(error.message, error.stack ?? ''));
        const failure = await failureOf(client);
        assert.ok(failure instanceof ConnectionFailedError && failure.reason === 'attempts-exhausted', `${what}: ${String(failure)}`);
        const published = await publisher.declareExchanges({ entries: [] } as never).then(
          () => assert.fail('connected to port 1'),
          (error: Error) => error,
        );
        assert.match(published.message, /^PulsePublisher: cannot connect to amqp:\/\/bot:\*\*\*@127\.0\.0\.1:1/, what);
        const shown = [
          ...client.urls,
          failure.message,
          failure.stack ?? '',
          String((failure.cause as Error).message),
          published.message,
          ...reconnecting,
          ...entries.map((entry) => JSON.stringify(entry)),
          inspect(client, { depth: 10, showHidden: true }),
          inspect(publisher, { depth: 10, showHidden: true }),
          JSON.stringify(client),
          JSON.stringify(publisher),
        ];
        for (const text of shown) assert.ok(!leaks(text), `${what}: ${text}`);
        assert.ok(entries.length >= 2, `${what}: the logger heard the attempts`);
        await Promise.all([client.close(), publisher.close()]);
      }
    }
  });

  test('a wrong password with reserved characters on RabbitMQ: refused at once, and not shown', async () => {
    for (const c of RESERVED) {
      const client = new PulseClient({ url: `amqp://guest:${passwordWith(c)}@127.0.0.1:5672`, connectionName: uniqueName('broker-address-test') });
      const events: string[] = [];
      client.on('reconnecting', ({ error }) => events.push(error.message));
      const failure = await failureOf(client);
      assert.ok(failure instanceof ConnectionFailedError, String(failure));
      assert.equal(failure.reason, 'credentials-refused');
      assert.match(failure.message, /^broker amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672\?heartbeat=20: the broker refused the credentials of user "guest"/);
      assert.deepEqual(events, [], 'not retried');
      for (const text of [failure.message, failure.stack ?? '', inspect(failure)]) assert.ok(!leaks(text), text);
      await client.close();
    }
  });

  test('the right password with every reserved character logs in on RabbitMQ, unencoded and encoded, for client and publisher', async (t) => {
    const user = uniqueName('pulse-test-user');
    const password = `pw${RESERVED.join('')}end`;
    await rabbitmqctl('add_user', user, password);
    t.after(() => rabbitmqctl('delete_user', user));
    await rabbitmqctl('set_permissions', '-p', '/', user, `^queue/${user}/.*`, `^queue/${user}/.*`, `^queue/${user}/.*`);
    for (const written of [password, encodeURIComponent(password)]) {
      const url = `amqp://${user}:${written}@127.0.0.1:5672/`;
      const client = new PulseClient({ url, connectionName: uniqueName('broker-address-test'), reconnect: { maxAttempts: 1 } });
      try {
        // Deleting a queue that does not exist succeeds once logged in.
        assert.deepEqual(await client.deleteQueue(uniqueName('none')), { messageCount: 0 });
      } finally {
        await client.close();
      }
      const publisher = new PulsePublisher({ url });
      try {
        assert.deepEqual(await publisher.declareExchanges({ entries: [] } as never), []);
      } finally {
        await publisher.close();
      }
    }
  });

  test("the CLI's stderr does not show the password (wrong credentials, a closed port)", () => {
    // The CLI reads URLs through the same module; a few characters that broke its old parsers suffice.
    for (const c of ['/', '#', '?', '@']) {
      for (const port of [5672, 1]) {
        const result = spawnSync(process.execPath, [join(REPO, 'dist/cli/main.js'), 'listen', 'queue.taskCompleted', '--count', '1'], {
          env: { ...process.env, PULSE_URL: `amqp://guest:${passwordWith(c)}@127.0.0.1:${port}` },
          encoding: 'utf8',
          // A closed port is retried forever: stop it after its first retries.
          timeout: port === 1 ? 4_000 : 20_000,
        });
        if (port === 5672) {
          assert.equal(result.status, 1, result.stderr);
          assert.match(result.stderr, /refused the credentials/);
        } else {
          // Retried until the timeout: the retries' messages count.
          assert.match(result.stderr, /connection failed \(connect ECONNREFUSED 127\.0\.0\.1:1\); retry 1/);
        }
        assert.ok(!leaks(result.stderr), result.stderr);
      }
    }
  });
});
