/**
 * Pulse faults for the secret sweep, on the real RabbitMQ as the run's own
 * user (whose password holds reserved characters): refused credentials,
 * closed ports, a connection dropped mid-stream through a TCP proxy and
 * resumed, handlers failing with errors that quote credentials, a malformed
 * message, a message given up after maxDeliveries, publisher connection
 * failures and an unconfirmed publish. One client keeps a recording logger
 * and an `error` listener; another has neither, so the default logger writes
 * to stderr, which the parent test captures.
 */
import amqplib from 'amqplib';
import { buildRoutingKey } from '../../../src/bindings/routing-key.js';
import { QueueEvents } from '../../../src/generated/exchanges/queue.js';
import { BrokerAddress, PulseClient, type ConsumeOutcome, type PulseClientOptions } from '../../../src/pulse/index.js';
import { slugid } from '../../../src/rest/index.js';
import { FakeQueue, PulsePublisher } from '../../../src/testing/index.js';
import { recordingLogger } from '../recording-logger.js';
import { startTcpProxy } from '../tcp-proxy.js';
import { brokerUrl, until, within, type SweepConfig } from './config.js';
import type { Evidence } from './evidence.js';

/** What a failing handler quotes: a broker URL with its password, a Hawk header, a signed URL. */
export interface Quoted {
  readonly hawkHeader: string;
  readonly signedUrl: string;
}

const QUICK = { reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, closeTimeoutMs: 2_000, connectTimeoutMs: 3_000 } as const;

export async function pulseScenarios(config: SweepConfig, quoted: Quoted, evidence: Evidence): Promise<void> {
  await Promise.all([refusedConnections(config, evidence), publisherFailures(config, evidence), faultyStreams(config, quoted, evidence), staleBindingsFaults(config, evidence)]);
  configErrors(config, evidence);
}

/** A stream's error, which must come within `ms`. */
function streamError(client: PulseClient, ms: number, what: string): Promise<unknown> {
  const events = new QueueEvents({ exchangePrefix: 'exchange/taskcluster-queue/v1/' });
  return within(
    new Promise((resolve, reject) => {
      client.listen(events.taskCompleted()).subscribe({ next: () => reject(new Error(`sweep: ${what} received a message`)), error: resolve, complete: () => reject(new Error(`sweep: ${what} completed`)) });
    }),
    ms,
    what,
  );
}

async function refusedConnections(config: SweepConfig, evidence: Evidence): Promise<void> {
  const wrong = { password: config.wrongPassword };
  const logged = recordingLogger();
  const clients: [string, PulseClient][] = [
    // Nobody listens for 'error' and no logger: the default logger's stderr is evidence too.
    ['wrong password, raw URL', new PulseClient({ url: brokerUrl(config, wrong), ...QUICK })],
    ['wrong password, encoded URL, logger', new PulseClient({ urls: [brokerUrl(config, { ...wrong, encoded: true })], logger: logged.logger, ...QUICK })],
    [
      'wrong password from PULSE_* (amqps on a closed port)',
      PulseClient.fromEnv(
        { logger: logged.logger, ...QUICK, reconnect: { initialDelayMs: 10, maxAttempts: 3 } },
        { PULSE_USERNAME: config.user, PULSE_PASSWORD: config.wrongPassword, PULSE_HOSTNAME: '127.0.0.1', PULSE_VHOST: config.vhost },
      ),
    ],
    ['right password, closed port', new PulseClient({ url: brokerUrl(config, { port: 1 }), ...QUICK, reconnect: { initialDelayMs: 10, maxAttempts: 3 } })],
    ['right password, closed port, logger', new PulseClient({ urls: [brokerUrl(config, { port: 1, encoded: true })], logger: logged.logger, ...QUICK, reconnect: { initialDelayMs: 10, maxAttempts: 2 } })],
    // Credentials from a provider: refused (retried, then given up), and a provider whose error quotes a URL with the password.
    ['wrong password from a credentials provider', providerClient(config, () => ({ username: config.user, password: config.wrongPassword }))],
    [
      'credentials provider failing, logger',
      providerClient(config, () => Promise.reject(new Error(`vault answered 503 for ${brokerUrl(config)}`)), logged.logger),
    ],
  ];
  await Promise.all(
    clients.map(async ([label, client]) => {
      client.on('reconnecting', (info) => evidence.record(`pulse: reconnecting, ${label}`, info));
      evidence.record(`pulse: stream error, ${label}`, await streamError(client, 15_000, label));
      evidence.record(`pulse: client, ${label}`, client);
      await client.close();
    }),
  );
  evidence.record('pulse: logger records of refused connections', logged.entries);
}

function providerClient(config: SweepConfig, credentials: PulseClientOptions['credentials'], logger?: PulseClientOptions['logger']): PulseClient {
  return new PulseClient({
    url: `amqp://127.0.0.1:5672/${encodeURIComponent(config.vhost)}`,
    namespace: config.user,
    credentials,
    ...(logger ? { logger } : {}),
    ...QUICK,
    reconnect: { initialDelayMs: 10, maxAttempts: 3 },
  });
}

async function publisherFailures(config: SweepConfig, evidence: Evidence): Promise<void> {
  const run = resolvedRun('completed');
  const publishes: [string, PulsePublisher][] = [
    ['wrong password', new PulsePublisher({ url: brokerUrl(config, { password: config.wrongPassword }), connectTimeoutMs: 3_000 })],
    ['closed port', new PulsePublisher({ url: brokerUrl(config, { port: 1, encoded: true }), connectTimeoutMs: 3_000 })],
    ['address object, wrong password', new PulsePublisher({ url: BrokerAddress.parse(brokerUrl(config, { password: config.wrongPassword, encoded: true })) })],
  ];
  await Promise.all(
    publishes.map(async ([label, publisher]) => {
      const error = await within(publisher.publish(QueueEvents, 'taskCompleted', run).then(() => undefined, (e: unknown) => e), 10_000, `publisher ${label}`);
      if (error === undefined) throw new Error(`sweep: publisher ${label} published`);
      evidence.record(`publisher: ${label}`, error);
      evidence.record(`publisher: object, ${label}`, publisher);
      await publisher.close();
    }),
  );

  // Unconfirmed: the link goes silent after the first message.
  const proxy = await startTcpProxy();
  const publisher = new PulsePublisher({ url: brokerUrl(config, { port: proxy.port }), confirmTimeoutMs: 1_500, closeTimeoutMs: 1_000, connectTimeoutMs: 3_000 });
  try {
    const prefix = { exchangePrefix: `exchange/${config.user}/sweep-unconfirmed/` };
    await within(publisher.publish(QueueEvents, 'taskCompleted', { ...run, ...prefix }), 10_000, 'a publish through the proxy');
    proxy.pause();
    const error = await within(publisher.publish(QueueEvents, 'taskCompleted', { ...run, ...prefix }).then(() => undefined, (e: unknown) => e), 10_000, 'an unconfirmed publish');
    if ((error as Error | undefined)?.name !== 'PublishNotConfirmedError') throw new Error(`sweep: expected a PublishNotConfirmedError, got ${String(error)}`);
    evidence.record('publisher: not confirmed', error);
    evidence.record('publisher: object, not confirmed', publisher);
  } finally {
    await publisher.close();
    await proxy.close();
  }
}

function configErrors(config: SweepConfig, evidence: Evidence): void {
  const attempts: [string, PulseClientOptions][] = [
    ['port not a number', { url: brokerUrl(config).replace(':5672/', ':nope/') }],
    ['no scheme', { url: brokerUrl(config).replace('amqp://', '') }],
    ['password twice', { url: brokerUrl(config), password: config.password }],
    ['bad heartbeat parameter', { url: `${brokerUrl(config)}?heartbeat=${encodeURIComponent(config.password)}` }],
    ['parts without a hostname', { username: config.user, password: config.password }],
  ];
  for (const [label, options] of attempts) {
    try {
      new PulseClient(options);
      throw new Error(`sweep: ${label} was accepted`);
    } catch (error) {
      if ((error as Error).message.startsWith('sweep:')) throw error;
      evidence.record(`pulse: config error, ${label}`, error);
    }
  }
  evidence.record('pulse: broker address, raw', BrokerAddress.parse(brokerUrl(config)));
  evidence.record('pulse: broker address, encoded', BrokerAddress.parse(brokerUrl(config, { encoded: true })));
}

/** A message as the queue publishes it. */
function resolvedRun<R extends 'completed' | 'failed'>(resolution: R) {
  const queue = new FakeQueue();
  const taskId = slugid();
  queue.addTask(taskId, {});
  const { fields, payload } = queue.resolveTask(taskId, resolution, { workerGroup: 'wg', workerId: 'w1' });
  return { fields, payload };
}

async function faultyStreams(config: SweepConfig, quoted: Quoted, evidence: Evidence): Promise<void> {
  const exchangePrefix = `exchange/${config.user}/sweep/`;
  const events = new QueueEvents({ exchangePrefix });
  const [completed, failed] = [events.taskCompleted(), events.taskFailed()];
  const publisher = new PulsePublisher({ url: brokerUrl(config, { encoded: true }) });
  await within(publisher.declareExchanges(QueueEvents, ['taskCompleted', 'taskFailed'], { exchangePrefix }), 10_000, 'declaring the exchanges');
  const proxy = await startTcpProxy();
  const logged = recordingLogger();
  const watched = new PulseClient({ url: brokerUrl(config, { port: proxy.port }), logger: logged.logger, connectionName: 'sweep-watched', ...QUICK });
  const unwatched = new PulseClient({ urls: [brokerUrl(config, { encoded: true })], ...QUICK });
  const errors: unknown[] = [];
  watched.on('error', (error) => errors.push(error));
  let connections = 0;
  let consuming = 0;
  for (const client of [watched, unwatched]) client.on('consuming', () => consuming++);
  watched.on('connected', () => connections++);
  for (const event of ['connected', 'disconnected', 'reconnecting', 'consuming'] as const) watched.on(event, (info: unknown) => evidence.record(`pulse: event ${event}`, info));

  const failing = (message: { fields: { taskId: string } }): never => {
    throw new Error(`GET ${brokerUrl(config)} then ${quoted.signedUrl} failed for ${message.fields.taskId}: sent Authorization: ${quoted.hawkHeader}`);
  };
  const outcomes: ConsumeOutcome<unknown>[] = [];
  const received: unknown[] = [];
  const subscriptions = [
    watched.consume(completed, (m) => `handled ${m.fields.taskId}`, { queueName: 'sweep-ok' }).subscribe((o) => outcomes.push(o)),
    watched.consume(failed, failing, { queueName: 'sweep-poison', maxDeliveries: 2, retryDelayMs: 0, deadLetter: { exchange: 'sweep-dlx', queue: 'sweep-dead' } }).subscribe((o) => outcomes.push(o)),
    unwatched.consume(failed, failing, { maxDeliveries: 2, retryDelayMs: 0 }).subscribe((o) => outcomes.push(o)),
    unwatched.listen(completed).subscribe((m) => received.push(m)),
  ];
  try {
    await until(() => consuming >= 4, 15_000, 'four subscriptions consuming');
    const publish = (resolution: 'completed' | 'failed') =>
      within(
        resolution === 'completed'
          ? publisher.publish(QueueEvents, 'taskCompleted', { ...resolvedRun('completed'), exchangePrefix })
          : publisher.publish(QueueEvents, 'taskFailed', { ...resolvedRun('failed'), exchangePrefix }),
        10_000,
        'a publish',
      );
    await Promise.all([publish('completed'), publish('completed'), publish('failed')]);
    await publishMalformed(config, completed.exchange, buildRoutingKey(completed.exchange, completed.routingKeyReference, resolvedRun('completed').fields));
    const handled = () => outcomes.filter((o) => o.status === 'handled').length;
    await until(() => handled() >= 2 && outcomes.some((o) => o.status === 'dead-lettered') && outcomes.some((o) => o.status === 'dropped') && received.length >= 2, 15_000, 'the first messages handled, given up and received');
    await until(() => errors.some((e) => (e as Error).name === 'MalformedMessageError') && errors.some((e) => (e as Error).name === 'DeliveryLimitError'), 15_000, 'the malformed and given-up messages reported');

    // Dropped mid-stream, resumed on a new connection.
    proxy.dropAll();
    await until(() => connections >= 2 && consuming >= 6, 15_000, 'the watched client reconnected and consuming again');
    await Promise.all([publish('completed'), publish('completed')]);
    await until(() => handled() >= 4, 15_000, 'messages after the reconnection handled');
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    for (const [label, value] of [['watched client', watched], ['unwatched client', unwatched], ['publisher', publisher]] as const) evidence.record(`pulse: ${label}`, value);
    outcomes.forEach((outcome, i) => evidence.record(`pulse: outcome ${i} (${outcome.status})`, outcome));
    received.forEach((message, i) => evidence.record(`pulse: received ${i}`, message));
    errors.forEach((error, i) => evidence.record(`pulse: error event ${i}`, error));
    evidence.record('pulse: logger records of the watched client', logged.entries);
    await Promise.all([watched.close(), unwatched.close(), publisher.close()]);
    await proxy.close();
  }
}

/**
 * `staleBindings: 'remove'` whose management API refuses or is not there:
 * the run's user has no management tag, so the API answers 401 to the broker's
 * credentials (`from-broker`) and to the same password in `managementUrl`;
 * a closed port refuses the connection. One client has neither listener nor
 * logger (stderr), one has both.
 */
async function staleBindingsFaults(config: SweepConfig, evidence: Evidence): Promise<void> {
  const exchangePrefix = `exchange/${config.user}/sweep-stale/`;
  const completed = new QueueEvents({ exchangePrefix }).taskCompleted();
  const publisher = new PulsePublisher({ url: brokerUrl(config, { encoded: true }) });
  await within(publisher.declareExchanges(QueueEvents, ['taskCompleted'], { exchangePrefix }), 10_000, 'declaring the stale-bindings exchange');
  const logged = recordingLogger();
  const unwatched = new PulseClient({ url: brokerUrl(config), ...QUICK });
  const watched = new PulseClient({ url: brokerUrl(config, { encoded: true }), logger: logged.logger, ...QUICK });
  const errors: unknown[] = [];
  watched.on('error', (error) => errors.push(error));
  const encoded = encodeURIComponent(config.password);
  const subscriptions = [
    unwatched.listen(completed, { queueName: 'sweep-stale-a', staleBindings: 'remove', managementUrl: 'from-broker' }).subscribe(),
    watched.listen(completed, { queueName: 'sweep-stale-b', staleBindings: 'remove', managementUrl: `http://${config.user}:${encoded}@127.0.0.1:15672` }).subscribe(),
    watched.listen(completed, { queueName: 'sweep-stale-c', staleBindings: 'remove', managementUrl: `http://${config.user}:${encoded}@127.0.0.1:1` }).subscribe(),
  ];
  try {
    await until(() => errors.filter((e) => (e as Error).name === 'StaleBindingsError').length >= 2, 15_000, 'both stale-binding listings refused');
    // The unwatched client's error goes to stderr; give it the same time.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    errors.forEach((error, i) => evidence.record(`pulse: stale-bindings error ${i}`, error));
    evidence.record('pulse: logger records of stale-bindings faults', logged.entries);
    await Promise.all([watched.deleteQueue('sweep-stale-b'), watched.deleteQueue('sweep-stale-c'), unwatched.deleteQueue('sweep-stale-a')].map((p) => p.catch(() => undefined)));
    await Promise.all([watched.close(), unwatched.close(), publisher.close()]);
  }
}

/** A body that is not JSON, published raw as the run's user. */
async function publishMalformed(config: SweepConfig, exchange: string, routingKey: string): Promise<void> {
  const connection = await amqplib.connect(brokerUrl(config, { encoded: true }));
  try {
    const channel = await connection.createConfirmChannel();
    await new Promise<void>((resolve, reject) => channel.publish(exchange, routingKey, Buffer.from('{"status": not json'), { contentType: 'application/json' }, (error) => (error ? reject(error) : resolve())));
  } finally {
    await connection.close();
  }
}
