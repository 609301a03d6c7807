/**
 * Pulse credentials from a provider, asked before every connection attempt:
 * validation up front, failures and slowness counted as failed attempts, and
 * a password rotation on the shared RabbitMQ (a test user of this run's own,
 * `rabbitmqctl change_password`, its connections closed from the broker side)
 * during which nothing is lost and no password shows.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { inspect } from 'node:util';
import { ClientClosedError, ConnectionFailedError, PulseClient, PulseConfigError, type PulseCredentials } from '../src/pulse/index.js';
import { CredentialsProviderError } from '../src/pulse/credentials-provider.js';
import { consumingOn, eventually, rabbitmqctl, TestPublisher, uniqueName } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';
import { recordingLogger } from './support/recording-logger.js';

const login = (): PulseCredentials => ({
  username: 'guest',
  password: 'guest',
});
const configError = (field: string) => (error: unknown) => error instanceof PulseConfigError && error.field === field;

describe('credentials provider: validation before any I/O', () => {
  test('a provider that is not a function is refused, naming the field', () => {
    assert.throws(
      () =>
        new PulseClient({
          url: 'amqp://127.0.0.1',
          namespace: 'n',
          credentials: 'guest:guest' as never,
        }),
      configError('credentials'),
    );
  });

  test('a password in the URL and a provider: the URL is named, its password is not quoted', () => {
    assert.throws(
      () =>
        new PulseClient({
          url: 'amqp://u:s3cret-pw@127.0.0.1',
          credentials: login,
        }),
      (error: unknown) => {
        assert.ok(configError('url')(error), String(error));
        assert.doesNotMatch(`${String(error)} ${inspect(error)} ${JSON.stringify(error)}`, /s3cret-pw/);
        return true;
      },
    );
    assert.throws(
      () =>
        new PulseClient({
          urls: ['amqp://u@a', 'amqp://u:s3cret-pw@b'],
          credentials: login,
        }),
      configError('urls[1]'),
    );
  });

  test('username or password with hostname and a provider are refused; a namespace is needed when no user is named', () => {
    assert.throws(
      () =>
        new PulseClient({
          hostname: 'h',
          password: 'p',
          namespace: 'n',
          credentials: login,
        }),
      configError('password'),
    );
    assert.throws(
      () =>
        new PulseClient({
          hostname: 'h',
          username: 'u',
          namespace: 'n',
          credentials: login,
        }),
      configError('username'),
    );
    assert.throws(() => new PulseClient({ hostname: 'h', credentials: login }), configError('namespace'));
    assert.throws(() => new PulseClient({ url: 'amqp://127.0.0.1', credentials: login }), configError('namespace'));
    // A user named in the URL is the namespace, as without a provider.
    assert.equal(new PulseClient({ url: 'amqp://me@127.0.0.1', credentials: login }).namespace, 'me');
    assert.equal(
      new PulseClient({
        hostname: 'h',
        namespace: 'me',
        credentials: login,
        protocol: 'amqp',
      }).urls[0],
      'amqp://h:5672/%2F?heartbeat=20',
    );
  });
});

describe('credentials provider on RabbitMQ', () => {
  test('asked before every attempt; a failing, wrong or silent provider is a failed attempt, retried, its text redacted', async () => {
    const answers: Array<() => PulseCredentials | Promise<PulseCredentials>> = [
      () => Promise.reject(new Error('vault at https://ci:vault-token-77@vault.invalid is down')),
      () => ({ username: 'guest' }) as PulseCredentials,
      () => new Promise<PulseCredentials>(() => undefined), // never answers: connectTimeoutMs ends it
      login,
    ];
    const seen: string[] = [];
    let calls = 0;
    const client = new PulseClient({
      url: 'amqp://127.0.0.1:5672',
      namespace: 'guest',
      connectionName: uniqueName('credentials-provider-test'),
      connectTimeoutMs: 300,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      credentials: ({ url, signal }) => {
        seen.push(url);
        assert.ok(!signal.aborted);
        return answers[calls++]!();
      },
    });
    const reconnecting: Error[] = [];
    client.on('reconnecting', ({ error }) => reconnecting.push(error));
    try {
      assert.deepEqual(await client.deleteQueue(uniqueName('none')), {
        messageCount: 0,
      });
      assert.equal(calls, 4);
      assert.deepEqual(seen, Array(4).fill('amqp://127.0.0.1:5672?heartbeat=20'));
      assert.deepEqual(
        reconnecting.map((error) => error instanceof CredentialsProviderError && error.message),
        [
          'the credentials provider failed: vault at https://ci:***@vault.invalid is down',
          'the credentials provider must return {username, password}: password must be a string',
          'the credentials provider did not answer within 300 ms (connectTimeoutMs)',
        ],
      );
      const shown = reconnecting.map((error) => `${inspect(error)} ${JSON.stringify(error)}`).join('\n');
      assert.doesNotMatch(shown, /vault-token-77/);
      // The login it handed out is what the connection shows.
      assert.deepEqual(client.toJSON().connected, true);
    } finally {
      await client.close();
    }
  });

  test('closing the client while the provider is asked: its signal aborts, the waiting call ends with ClientClosedError, close() does not wait', async () => {
    let signalSeen: AbortSignal | undefined;
    const client = new PulseClient({
      url: 'amqp://127.0.0.1:5672',
      namespace: 'guest',
      connectTimeoutMs: 60_000,
      credentials: ({ signal }) => {
        signalSeen = signal;
        return new Promise<PulseCredentials>(() => undefined);
      },
    });
    const waiting = client.deleteQueue('none');
    await eventually(() => signalSeen !== undefined, 'the provider asked');
    const startedAt = Date.now();
    await client.close();
    await assert.rejects(waiting, ClientClosedError);
    assert.ok(Date.now() - startedAt < 2_000, `close() took ${Date.now() - startedAt} ms`);
    assert.equal(signalSeen!.aborted, true);
  });

  test('a refused login from a provider is retried (the provider is asked again), not given up at once', async () => {
    let calls = 0;
    const client = new PulseClient({
      url: 'amqp://127.0.0.1:5672',
      namespace: 'guest',
      connectionName: uniqueName('credentials-provider-test'),
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
      credentials: () => ({
        username: 'guest',
        password: `wrong-password-${++calls}`,
      }),
    });
    const reconnecting: string[] = [];
    client.on('reconnecting', ({ error }) => reconnecting.push(error.message));
    try {
      await assert.rejects(client.deleteQueue('none'), (error: unknown) => {
        assert.ok(error instanceof ConnectionFailedError);
        assert.equal(error.reason, 'attempts-exhausted');
        assert.doesNotMatch(`${error.message} ${inspect(error)} ${JSON.stringify(error)}`, /wrong-password/);
        return true;
      });
      assert.equal(calls, 3);
      assert.equal(reconnecting.length, 2);
      for (const message of reconnecting) assert.match(message, /refused the credentials of user "guest"/);
    } finally {
      await client.close();
    }
  });

  test(
    "password rotation: change_password, the user's connections closed by the broker, the provider hands the new one; nothing lost",
    { timeout: 120_000 },
    async (t) => {
      const user = uniqueName('credentials-hygiene-user');
      const oldPassword = `old-${uniqueName('pw')}`;
      const newPassword = `new-${uniqueName('pw')}`;
      const events = privateQueueEvents();
      const binding = events.taskCompleted();
      await createUser(t, user, oldPassword, binding.exchange);

      // The secret store the provider reads; the operator updates it shortly after rotating (a window in which the old one is refused).
      let stored = oldPassword;
      let asked = 0;
      const { logger, entries } = recordingLogger();
      const client = new PulseClient({
        url: 'amqp://127.0.0.1:5672',
        namespace: user,
        connectionName: uniqueName('credentials-rotation-test'),
        reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
        logger,
        credentials: async () => {
          asked++;
          return { username: user, password: stored };
        },
      });
      const shown: string[] = [];
      client.on('error', (error) => shown.push(`${inspect(error)} ${JSON.stringify(error)}`));
      client.on('reconnecting', ({ error }) => shown.push(`${inspect(error)} ${JSON.stringify(error)}`));
      let disconnectedAt = 0;
    client.on('disconnected', (info) => {
      disconnectedAt ||= Date.now();
      shown.push(inspect(info));
    });
      client.on('connected', (info) => shown.push(inspect(info)));

      const handled = new Map<string, number>();
      const handledAt = new Map<string, number>();
      const publisher = await TestPublisher.open();
      await publisher.exchange(binding.exchange);
      const ready = consumingOn(client);
      const stream = client
        .consume(
          binding,
          (message) => {
            handled.set(message.fields.taskId, (handled.get(message.fields.taskId) ?? 0) + 1);
            handledAt.set(message.fields.taskId, Date.now());
          },
          { queueName: 'rotation', queueType: 'quorum', prefetch: 8 },
        )
        .subscribe();
      try {
        await rotate();
      } finally {
        stream.unsubscribe();
        await client.deleteQueue('rotation').catch(() => undefined);
        await client.close();
        await publisher.close();
      }

      async function rotate(): Promise<void> {
        await ready;

        // Published continuously with confirms, before, during and after the rotation.
        const published: string[] = [];
        let publishing = true;
        const publishedAt = new Map<string, number>();
        const publishing$ = (async () => {
          for (let i = 0; publishing; i++) {
            const id = `m${i}`;
            await publishCompleted(publisher, binding, id);
            published.push(id);
            publishedAt.set(id, Date.now());
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })();
        await eventually(() => handled.size >= 50, '50 messages handled before the rotation');

        const resumed = consumingOn(client);
        await rabbitmqctl('change_password', user, newPassword);
        const closedAt = Date.now();
        const closed = await closeConnectionsOf(user);
        await sleepMs(300); // the operator is a little late updating the store: the old password is refused meanwhile
        stored = newPassword;
        await resumed;
        const resumedAt = Date.now();
        const firstAfter = published.find((id) => (publishedAt.get(id) ?? 0) > closedAt);
        await eventually(() => firstAfter !== undefined && handled.has(firstAfter), 'a message published after the rotation handled', 30_000);
        await sleepMs(500);
        publishing = false;
        await publishing$;
        await eventually(() => published.every((id) => handled.has(id)), 'every published message handled', 30_000);

        const duplicates = [...handled.values()].reduce((sum, n) => sum + n - 1, 0);
        const lost = published.filter((id) => !handled.has(id));
        t.diagnostic(
          `rotation: ${closed} connection(s) closed by the broker; ${published.length} published, lost ${lost.length}, duplicates ${duplicates}; ` +
            `provider asked ${asked} times; consuming again ${resumedAt - disconnectedAt} ms after the broker closed the connection (store updated 300 ms after that close)`,
        );
        assert.ok(closed >= 1, 'the user had a connection to close');
        assert.deepEqual(lost, []);
        assert.ok(asked >= 3, `the provider was asked on each attempt (${asked})`);
        const everything = [...shown, ...entries.map((entry) => `${JSON.stringify(entry.fields)} ${entry.message ?? ''}`)].join('\n');
        assert.match(everything, /refused the credentials/, 'the old password was refused at least once');
        for (const password of [oldPassword, newPassword]) assert.ok(!everything.includes(password), 'no password in events, errors or logs');
      }
    },
  );
});

async function createUser(t: TestContext, user: string, password: string, exchange: string): Promise<void> {
  await rabbitmqctl('add_user', user, password);
  t.after(() => rabbitmqctl('delete_user', user));
  const own = `^queue/${user}/.*`;
  const escaped = exchange.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  await rabbitmqctl('set_permissions', '-p', '/', user, own, own, `${own}|^${escaped}$`);
}

/** Closes, from the broker side, the connections of `user` only (other suites share the broker). */
async function closeConnectionsOf(user: string): Promise<number> {
  const out = await rabbitmqctl('list_connections', '-q', '--no-table-headers', 'user', 'pid');
  const pids = out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([name, pid]) => name === user && pid?.startsWith('<'))
    .map(([, pid]) => pid!);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'test: password rotated');
  return pids.length;
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
