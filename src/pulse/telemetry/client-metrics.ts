import { ValueType, type Attributes, type BatchObservableCallback, type Counter, type Meter, type MeterProvider } from '@opentelemetry/api';
import type { QueueDepthEvent, QueueDepthSample } from '../health/queue-depth-monitor.js';
import { activeMeter } from './meter.js';
import { ATTR, DURATION_BUCKETS, METRIC } from './names.js';
import { cached, ExchangeLabels, SubscriptionMetrics, type MessageHistograms } from './subscription-metrics.js';

/** What the client's gauges read when a reader collects. */
export interface ClientState {
  readonly connected: boolean;
  depths(): Iterable<QueueDepthSample>;
}

const SYSTEM: Attributes = { [ATTR.system]: 'rabbitmq' };

/**
 * A client's OpenTelemetry instruments. Exists only when an SDK is installed
 * (`create` answers undefined otherwise), so an uninstrumented bot pays
 * nothing. Counters and histograms are recorded as things happen; the
 * connection state and queue depths are gauges read at collection time.
 */
export class ClientMetrics {
  readonly #histograms: MessageHistograms;
  /** Every (exchange, queue) recorded on, by `queue\0exchange`: the counters' totals live there. */
  readonly #labels = new Map<string, ExchangeLabels>();
  readonly #reconnects: Counter;
  readonly #connectFailures: Counter;
  readonly #depthWarnings: Counter;
  readonly #meter: Meter;
  readonly #observe: BatchObservableCallback;
  readonly #observables;
  #lostConnection = false;

  static create(provider: MeterProvider | undefined, state: ClientState): ClientMetrics | undefined {
    const meter = activeMeter(provider);
    return meter && new ClientMetrics(meter, state);
  }

  private constructor(meter: Meter, state: ClientState) {
    this.#meter = meter;
    const seconds = (name: string, description: string, boundaries: number[]) =>
      meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: boundaries } });
    this.#histograms = {
      processDuration: seconds(METRIC.processDuration, "How long consume()'s handler ran.", DURATION_BUCKETS),
    };
    // Per-message counts are asynchronous counters: a plain increment per message, read at collection.
    const consumed = meter.createObservableCounter(METRIC.consumed, { unit: '{message}', description: 'Messages delivered to a listen() or consume() stream.', valueType: ValueType.INT });
    const redelivered = meter.createObservableCounter(METRIC.redelivered, { unit: '{message}', description: 'Messages the broker delivered again.', valueType: ValueType.INT });
    const outcomes = meter.createObservableCounter(METRIC.outcomes, { unit: '{message}', description: 'What became of each message in consume(), by outcome.', valueType: ValueType.INT });
    const lag = meter.createObservableGauge(METRIC.lag, { unit: 's', description: 'Delivery time minus the time of the event the last message reported (or of its publication).' });
    const failures = meter.createObservableCounter(METRIC.handlerFailures, { unit: '{failure}', description: 'consume() handlers that threw, rejected or timed out.', valueType: ValueType.INT });
    this.#reconnects = meter.createCounter(METRIC.reconnects, { unit: '{connection}', description: 'Connections opened after a lost one.', valueType: ValueType.INT });
    this.#connectFailures = meter.createCounter(METRIC.connectFailures, { unit: '{attempt}', description: 'Connection attempts that failed and were retried.', valueType: ValueType.INT });
    this.#depthWarnings = meter.createCounter(METRIC.depthWarnings, { unit: '{event}', description: 'Queue depth crossing a limit, by the level reached.', valueType: ValueType.INT });
    const up = meter.createObservableGauge(METRIC.connected, { description: '1 while the client is connected, else 0.', valueType: ValueType.INT });
    const depth = meter.createObservableGauge(METRIC.queueDepth, { unit: '{message}', description: 'Messages ready in the queue, as last sampled.', valueType: ValueType.INT });
    const consumers = meter.createObservableGauge(METRIC.queueConsumers, { unit: '{consumer}', description: 'Consumers on the queue, as last sampled.', valueType: ValueType.INT });
    this.#observables = [up, depth, consumers, consumed, redelivered, outcomes, failures, lag];
    this.#observe = (result) => {
      result.observe(up, state.connected ? 1 : 0, SYSTEM);
      for (const labels of this.#labels.values()) {
        result.observe(consumed, labels.consumed.count, labels.consumed.attributes);
        const lagSeconds = labels.lagSeconds();
        if (lagSeconds !== undefined) result.observe(lag, lagSeconds, labels.base);
        if (labels.redelivered.count > 0) result.observe(redelivered, labels.redelivered.count, labels.redelivered.attributes);
        for (const tally of labels.outcomes.values()) result.observe(outcomes, tally.count, tally.attributes);
        for (const tally of labels.failures.values()) result.observe(failures, tally.count, tally.attributes);
      }
      for (const sample of state.depths()) {
        const attributes = { ...SYSTEM, [ATTR.subscription]: queueLabel(sample.queue) };
        result.observe(depth, sample.messageCount, attributes);
        result.observe(consumers, sample.consumerCount, attributes);
      }
    };
    meter.addBatchObservableCallback(this.#observe, this.#observables);
  }

  /** Metrics of one subscription to `queue`. */
  subscription(queue: string): SubscriptionMetrics {
    const label = queueLabel(queue);
    return new SubscriptionMetrics(this.#histograms, (exchange) => cached(this.#labels, `${label}\u0000${exchange}`, () => new ExchangeLabels(exchange, label)));
  }

  /** A client event, as `ClientLog.event` gets it. */
  event(event: string | symbol, args: readonly unknown[]): void {
    switch (event) {
      case 'disconnected':
        this.#lostConnection = true;
        return;
      case 'connected':
        if (this.#lostConnection) this.#reconnects.add(1, SYSTEM);
        this.#lostConnection = false;
        return;
      case 'reconnecting':
        this.#connectFailures.add(1, SYSTEM);
        return;
      case 'queue-depth': {
        const info = args[0] as QueueDepthEvent;
        this.#depthWarnings.add(1, { ...SYSTEM, [ATTR.subscription]: queueLabel(info.queue), [ATTR.depthLevel]: info.level });
        return;
      }
    }
  }

  /** Stops the gauges' callbacks (the client closed). */
  close(): void {
    this.#meter.removeBatchObservableCallback(this.#observe, this.#observables);
  }
}

/** A queue's name as an attribute: an ephemeral queue's random suffix would make a new series per connection. */
export function queueLabel(queue: string): string {
  return queue.replace(/\/ephemeral-[0-9a-f]{16}$/, '/ephemeral');
}
