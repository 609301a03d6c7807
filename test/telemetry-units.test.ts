/**
 * The parts of metrics and health that need no real broker: the options'
 * checks (named fields, before any I/O), where the lag's event time comes
 * from per exchange, that without an SDK the client creates no instruments,
 * and that `meterProvider` routes a client's metrics (on the memory broker).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { PulseClient, PulseConfigError } from '../src/pulse/index.js';
import { ClientMetrics, queueLabel } from '../src/pulse/telemetry/client-metrics.js';
import { amqpTimestampMs, eventTimeReader } from '../src/pulse/telemetry/event-time.js';
import { activeMeter } from '../src/pulse/telemetry/meter.js';
import { useBrokerSuite } from './support/broker-suite.js';
import { memoryTarget } from './support/broker-target.js';
import { eventually } from './support/rabbit.js';
import { privateQueueEvents, publishCompleted } from './support/rabbit-fixtures.js';

const events = privateQueueEvents();
const completed = events.taskCompleted();
const suite = useBrokerSuite(memoryTarget('metrics-health'), { exchanges: [completed.exchange], connectionPrefix: 'metrics-health-units' });

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** name → the sum of its data points' values (counters) or counts (histograms). */
function figures(resourceMetrics: ResourceMetrics): Map<string, number> {
  const result = new Map<string, number>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const sum = (metric.dataPoints as Array<{ value: number | { count: number } }>).reduce((total, point) => total + (typeof point.value === 'number' ? point.value : point.value.count), 0);
      result.set(metric.descriptor.name, sum);
    }
  }
  return result;
}

describe('options', () => {
  const url = 'amqp://guest:guest@127.0.0.1:1';
  const refused = (options: object, field: string) =>
    assert.throws(() => new PulseClient({ url, ...options }), (error: unknown) => error instanceof PulseConfigError && error.field === field, field);

  test('queueDepth and meterProvider are checked at construction, naming the field and the rule', () => {
    refused({ queueDepth: { warnAt: 0 } }, 'queueDepth.warnAt');
    refused({ queueDepth: { warnAt: 1.5 } }, 'queueDepth.warnAt');
    refused({ queueDepth: { warnAt: 100, criticalAt: 100 } }, 'queueDepth.criticalAt');
    refused({ queueDepth: { sampleIntervalMs: 50 } }, 'queueDepth.sampleIntervalMs');
    refused({ queueDepth: { sampleIntervalMs: -1 } }, 'queueDepth.sampleIntervalMs');
    refused({ queueDepth: 'often' }, 'queueDepth');
    refused({ meterProvider: {} }, 'meterProvider');
    assert.throws(() => new PulseClient({ url, queueDepth: { criticalAt: 1000 } }), /queueDepth\.criticalAt: must be an integer above queueDepth\.warnAt \(2000\), got 1000/);
    const client = new PulseClient({ url, queueDepth: { sampleIntervalMs: 0 } });
    assert.deepEqual(client.health().limits, { warnAt: 2000, criticalAt: 8000 });
  });
});

describe('lag: the time of the event a message reports', () => {
  const at = '2026-01-02T03:04:05.000Z';
  const payload = (field: string) => ({ runId: 1, status: { runs: [{}, { [field]: at }] } });

  test("queue exchanges: the run's scheduled, started or resolved time", () => {
    const cases = [
      ['task-pending', 'scheduled'],
      ['task-running', 'started'],
      ['task-completed', 'resolved'],
      ['task-failed', 'resolved'],
      ['task-exception', 'resolved'],
    ] as const;
    for (const [exchange, field] of cases) {
      assert.equal(eventTimeReader(`exchange/taskcluster-queue/v1/${exchange}`)(payload(field)), Date.parse(at), exchange);
      // The other fields do not count: a pending run has no start time.
      assert.equal(eventTimeReader(`exchange/taskcluster-queue/v1/${exchange}`)(payload('takenUntil')), undefined, exchange);
    }
  });

  test('elsewhere, or with a payload not as expected: none (the AMQP timestamp is the fallback)', () => {
    assert.equal(eventTimeReader('exchange/taskcluster-queue/v1/artifact-created')(payload('resolved')), undefined);
    assert.equal(eventTimeReader('exchange/taskcluster-github/v1/push')(payload('resolved')), undefined);
    const completedReader = eventTimeReader('exchange/taskcluster-queue/v1/task-completed');
    for (const bad of [null, 'text', { runId: 7, status: { runs: [] } }, { runId: 0, status: { runs: [{ resolved: 'yesterday' }] } }]) {
      assert.equal(completedReader(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(amqpTimestampMs(1_700_000_000), 1_700_000_000_000);
    assert.equal(amqpTimestampMs(undefined), undefined);
  });

  test("ephemeral queues get one label, named ones keep theirs", () => {
    assert.equal(queueLabel('queue/bot/ephemeral-0123456789abcdef'), 'queue/bot/ephemeral');
    assert.equal(queueLabel('queue/bot/work'), 'queue/bot/work');
  });
});

describe('without an SDK', () => {
  test('the API is a no-op: no meter, no instruments, nothing per message', () => {
    metrics.disable();
    assert.equal(activeMeter(), undefined);
    assert.equal(ClientMetrics.create(undefined, { connected: false, depths: () => [] }), undefined);
  });
});

describe('meterProvider: one client records on its own provider', () => {
  test('consume() on the memory broker, counted on the given provider only', async () => {
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    const client = suite.newClient({ meterProvider: provider });
    const outcomes: string[] = [];
    const consuming = new Promise((resolve) => client.once('consuming', resolve));
    const subscription = client.consume(completed, () => 'done').subscribe((outcome) => void outcomes.push(outcome.status));
    try {
      await consuming;
      await publishCompleted(suite.publisher, completed, 'memory-1');
      await eventually(() => outcomes.length === 1, 'the outcome');
      const { resourceMetrics } = await reader.collect();
      const seen = figures(resourceMetrics);
      assert.equal(seen.get('messaging.client.consumed.messages'), 1);
      assert.equal(seen.get('tc_pulse.consume.outcomes'), 1);
      assert.equal(seen.get('messaging.process.duration'), 1);
      assert.equal(seen.get('tc_pulse.connection.up'), 1);
      // The global provider (none) saw nothing.
      assert.equal(activeMeter(), undefined);
    } finally {
      subscription.unsubscribe();
      await provider.shutdown();
    }
  });
});
