/**
 * The client's OpenTelemetry metrics, read back the way an operator sees
 * them: the SDK with the Prometheus exporter, `/metrics` fetched over HTTP.
 * Messages go through consume() on the real broker (handled, retried,
 * dead-lettered, dropped), a fault (the link dropped by a TCP proxy) makes a
 * reconnection and a redelivery, and a backlog crosses the depth limits.
 * REST calls (to a local server verifying Hawk) are measured per attempt.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { metrics } from '@opentelemetry/api';
import type { Subscription } from 'rxjs';
import { QueueEvents } from '../src/generated/exchanges/queue.js';
import { Queue, TaskclusterError } from '../src/index.js';
import { sendJson, startHawkServer } from './support/hawk-server.js';
import { CLIENTS, FAST_RETRIES, ISSUER } from './support/rest-fixtures.js';
import type { PulseClient, QueueDepthEvent } from '../src/pulse/index.js';
import { startPrometheus, scrape, total, type PrometheusEndpoint } from './support/prometheus.js';
import { eventually, uniqueName } from './support/rabbit.js';
import { routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';
import { recordingLogger } from './support/recording-logger.js';
import { useRabbitSuite } from './support/rabbit-suite.js';
import { startTcpProxy } from './support/tcp-proxy.js';

// Named like the queue's own exchanges, so that the lag comes from the payload's run times.
const events = new QueueEvents({ exchangePrefix: `exchange/${uniqueName('metrics-health')}/taskcluster-queue/v1/` });
const completed = events.taskCompleted();
const suite = useRabbitSuite({ exchanges: [completed.exchange], connectionPrefix: 'metrics-health-test' });

const LAG_SECONDS = 30;

/** A task-completed message whose run resolved LAG_SECONDS ago. */
async function publish(taskId: string): Promise<void> {
  const body = taskCompletedBody(taskId);
  const resolved = new Date(Date.now() - LAG_SECONDS * 1000).toISOString();
  const run = { runId: 0, state: 'completed', reasonCreated: 'scheduled', reasonResolved: 'completed', scheduled: resolved, started: resolved, resolved };
  await suite.publisher.publish(completed.exchange, routingKeyFor(completed, taskFields(taskId)), { ...body, status: { ...body.status, runs: [run] } });
}

describe('metrics through OpenTelemetry, read from a Prometheus endpoint', () => {
  let prometheus: PrometheusEndpoint;
  const subscriptions: Subscription[] = [];
  before(async () => {
    prometheus = await startPrometheus();
    // The global provider, as a bot installs it: clients (and REST calls) made afterwards record on it.
    assert.ok(metrics.setGlobalMeterProvider(prometheus.provider));
  });
  after(async () => {
    for (const subscription of subscriptions) subscription.unsubscribe();
    metrics.disable();
    await prometheus.close();
  });

  test('consume(): received, handled, failed, retried, dead-lettered, dropped, handler duration and lag, by exchange and queue', async () => {
    const client = suite.newClient();
    client.on('error', () => undefined);
    const kept = suite.queueFor('metrics-kept');
    const dropping = suite.queueFor('metrics-dropping');
    const outcomes: string[] = [];
    const handler = async (message: { readonly fields: { readonly taskId: string } }) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (message.fields.taskId.startsWith('bad')) throw new RangeError('cannot handle this one');
    };
    const common = { maxDeliveries: 2, retryDelayMs: 0, concurrency: 4 } as const;
    subscriptions.push(
      client.consume(completed, handler, { ...common, queueName: kept, deadLetter: suite.deadLetterFor(kept) }).subscribe((o) => void outcomes.push(`kept:${o.status}`)),
      client.consume(completed, handler, { ...common, queueName: dropping }).subscribe((o) => void outcomes.push(`dropping:${o.status}`)),
    );
    await eventually(async () => (await consumers(client, kept)) === 1 && (await consumers(client, dropping)) === 1, 'both consumers');
    for (const taskId of ['good-1', 'good-2', 'good-3', 'bad-1']) await publish(taskId);
    // Each queue: 3 handled, and the bad one retried once, then given up.
    await eventually(() => outcomes.length === 10, 'ten outcomes');

    const samples = await scrape(prometheus.url);
    const at = (queue: string) => ({ messaging_system: 'rabbitmq', messaging_destination_name: completed.exchange, messaging_destination_subscription_name: `queue/guest/${queue}` });
    for (const [queue, givenUp] of [[kept, 'dead-lettered'], [dropping, 'dropped']] as const) {
      // 4 messages, the bad one delivered twice.
      assert.equal(total(samples, 'messaging_client_consumed_messages_total', { ...at(queue), messaging_operation_name: 'deliver' }), 5);
      assert.equal(total(samples, 'tc_pulse_consume_outcomes_total', { ...at(queue), tc_pulse_outcome: 'handled' }), 3);
      assert.equal(total(samples, 'tc_pulse_consume_outcomes_total', { ...at(queue), tc_pulse_outcome: 'retrying' }), 1);
      assert.equal(total(samples, 'tc_pulse_consume_outcomes_total', { ...at(queue), tc_pulse_outcome: givenUp }), 1);
      assert.equal(total(samples, 'tc_pulse_consume_handler_failures_total', { ...at(queue), error_type: 'RangeError' }), 2);
      assert.equal(total(samples, 'messaging_process_duration_count', at(queue)), 5);
      assert.equal(total(samples, 'messaging_process_duration_count', { ...at(queue), error_type: 'RangeError' }), 2);
      // Each run slept 20 ms.
      assert.ok(total(samples, 'messaging_process_duration_sum', at(queue)) >= 5 * 0.019);
      // The runs resolved LAG_SECONDS before publication: the last message's lag.
      const lag = samples.filter((sample) => sample.name === 'tc_pulse_message_lag' && sample.labels.messaging_destination_subscription_name === `queue/guest/${queue}`);
      assert.equal(lag.length, 1);
      assert.ok(lag[0]!.value >= LAG_SECONDS && lag[0]!.value < LAG_SECONDS + 30, `lag ${lag[0]!.value} s`);
    }
    assert.equal(total(samples, 'tc_pulse_connection_up'), 1);
    // Routing keys and task ids never become labels.
    assert.ok(!samples.some((sample) => Object.values(sample.labels).some((value) => value.includes('good-1'))));
  });

  test('a fault: the link drops mid-handler, attempts fail while it is down, the client reconnects and the message comes again, counted', async () => {
    const proxy = await startTcpProxy();
    try {
      const client = suite.newClient({ url: proxy.url, connectTimeoutMs: 300, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
      client.on('error', () => undefined);
      const queueName = suite.queueFor('metrics-fault');
      let releaseFirst!: () => void;
      const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
      let runs = 0;
      const handled: boolean[] = [];
      subscriptions.push(
        client
          .consume(completed, async (message) => {
            if (++runs === 1) await firstHeld;
            return message.redelivered;
          }, { queueName })
          .subscribe((outcome) => void (outcome.status === 'handled' && handled.push(outcome.result === true))),
      );
      await eventually(async () => (await consumers(client, queueName)) === 1, 'the consumer');
      const before = await scrape(prometheus.url);
      await publish('fault-1');
      await eventually(() => runs === 1, 'the first run');
      // Down for a while: connection attempts hang in the paused proxy and time out.
      const attemptFailed = new Promise((resolve) => client.once('reconnecting', resolve));
      proxy.pause();
      proxy.dropAll();
      await attemptFailed;
      proxy.resume();
      await eventually(() => handled.length === 1, 'the redelivered message handled');
      // The first run, let go now, is an outcome too (its ack finds the channel closed).
      releaseFirst();
      await eventually(() => handled.length === 2, 'the first run');
      assert.deepEqual(handled, [true, false]);
      const after = await scrape(prometheus.url);
      const delta = (name: string, labels = {}) => total(after, name, labels) - total(before, name, labels);
      const here = { messaging_destination_subscription_name: `queue/guest/${queueName}` };
      assert.equal(delta('tc_pulse_connection_reconnects_total'), 1);
      assert.ok(delta('tc_pulse_connection_failed_attempts_total') >= 1);
      assert.equal(delta('tc_pulse_messages_redelivered_total', here), 1);
      assert.equal(delta('messaging_client_consumed_messages_total', here), 2);
      assert.equal(total(after, 'tc_pulse_consume_outcomes_total', { ...here, tc_pulse_outcome: 'handled' }), 2);
    } finally {
      await proxy.close();
    }
  });

  test('queue depth: sampled as gauges; crossing the limits makes an event, a log line and a metric each way', async () => {
    const { logger, entries } = recordingLogger();
    const client = suite.newClient({ logger, queueDepth: { warnAt: 5, criticalAt: 10, sampleIntervalMs: 100 } });
    client.on('error', () => undefined);
    const depthEvents: QueueDepthEvent[] = [];
    client.on('queue-depth', (event) => depthEvents.push(event));
    const queueName = suite.queueFor('metrics-depth');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // One message at a time, held: the rest wait in the queue.
    subscriptions.push(client.consume(completed, () => held, { queueName, prefetch: 1, concurrency: 1 }).subscribe());
    await eventually(async () => (await consumers(client, queueName)) === 1, 'the consumer');
    for (let i = 0; i < 7; i++) await publish(`depth-${i}`);
    await eventually(() => depthEvents.length === 1, 'the warning');
    assert.deepEqual(pick(depthEvents[0]!), { queue: `queue/guest/${queueName}`, level: 'warn', previousLevel: 'ok', warnAt: 5, criticalAt: 10 });
    assert.ok(depthEvents[0]!.messageCount >= 5);
    for (let i = 7; i < 12; i++) await publish(`depth-${i}`);
    await eventually(() => depthEvents.length === 2, 'the critical level');
    assert.deepEqual(pick(depthEvents[1]!), { queue: `queue/guest/${queueName}`, level: 'critical', previousLevel: 'warn', warnAt: 5, criticalAt: 10 });
    const here = { messaging_destination_subscription_name: `queue/guest/${queueName}` };
    // 12 published, one held by the handler: 11 ready, once a sample has seen the last one.
    await eventually(async () => total(await scrape(prometheus.url), 'tc_pulse_queue_messages', here) === 11, 'the gauge at 11');
    const full = await scrape(prometheus.url);
    assert.equal(total(full, 'tc_pulse_queue_consumers', here), 1);
    release();
    // Draining passes back down (through `warn`, unless one sample interval drains past it) to `ok`.
    await eventually(() => depthEvents.at(-1)!.level === 'ok', 'back to ok');
    const levels = depthEvents.map((event) => event.level);
    assert.ok(['warn,critical,warn,ok', 'warn,critical,ok'].includes(levels.join()), levels.join());
    depthEvents.forEach((event, i) => i > 0 && assert.equal(event.previousLevel, depthEvents[i - 1]!.level));
    const drained = await scrape(prometheus.url);
    for (const level of ['warn', 'critical', 'ok']) {
      const count = levels.filter((l) => l === level).length;
      assert.equal(total(drained, 'tc_pulse_queue_depth_warnings_total', { ...here, tc_pulse_queue_depth_level: level }), count, level);
    }
    const logged = entries.filter((entry) => entry.fields.event === 'queue-depth');
    const logLevel = { ok: 'info', warn: 'warn', critical: 'error' } as const;
    assert.deepEqual(
      logged.map((entry) => [entry.level, entry.fields.level, entry.fields.queue]),
      levels.map((level) => [logLevel[level], level, `queue/guest/${queueName}`]),
    );
    assert.equal(typeof logged[0]!.fields.messageCount, 'number');
  });
});

/** Consumers on the queue; 0 before it exists. */
async function consumers(client: PulseClient, queue: string): Promise<number> {
  return client.queueStatus(queue).then((status) => status.consumerCount, () => 0);
}

describe('REST calls through OpenTelemetry', () => {
  let prometheus: PrometheusEndpoint;
  before(async () => {
    prometheus = await startPrometheus();
    assert.ok(metrics.setGlobalMeterProvider(prometheus.provider));
  });
  after(async () => {
    metrics.disable();
    await prometheus.close();
  });

  test('http.client.request.duration per attempt, by service, API method, status and server', async () => {
    let seen = 0;
    const server = await startHawkServer(CLIENTS, (request, response) => {
      if (request.path.endsWith('/ping')) return sendJson(response, ++seen === 1 ? 503 : 200, seen === 1 ? { code: 'Unavailable', message: 'busy' } : { alive: true });
      sendJson(response, 404, { code: 'ResourceNotFound', message: 'no such task' });
    });
    try {
      const queue = new Queue({ rootUrl: server.rootUrl, credentials: ISSUER, ...FAST_RETRIES });
      await queue.ping();
      await assert.rejects(queue.task('aaaaaaaaaaaaaaaaaaaaaa'), TaskclusterError);
      const samples = await scrape(prometheus.url);
      const port = new URL(server.rootUrl).port;
      const call = (method: string, status: string) => ({
        tc_pulse_rest_service: 'queue',
        tc_pulse_rest_method: method,
        http_request_method: 'GET',
        http_response_status_code: status,
        server_address: '127.0.0.1',
        server_port: port,
      });
      assert.equal(total(samples, 'http_client_request_duration_count', { ...call('ping', '503'), error_type: '503' }), 1);
      assert.equal(total(samples, 'http_client_request_duration_count', call('ping', '200')), 1);
      assert.equal(total(samples, 'http_client_request_duration_count', { ...call('task', '404'), error_type: '404' }), 1);
      assert.ok(total(samples, 'http_client_request_duration_sum', call('ping', '200')) > 0);
      // The method's name, never its URL (task ids would make a series per task).
      assert.ok(!samples.some((sample) => Object.values(sample.labels).some((value) => value.includes('aaaaaaaaaaaaaaaaaaaaaa'))));
    } finally {
      await server.close();
    }
  });
});

function pick(event: QueueDepthEvent) {
  const { queue, level, previousLevel, warnAt, criticalAt } = event;
  return { queue, level, previousLevel, warnAt, criticalAt };
}
