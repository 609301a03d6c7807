import type { ResolvedClientOptions } from './client-options.js';
import type { ConnectionManager } from './connection-manager.js';
import type { Deadline } from './deadline.js';
import { healthOf, type PulseHealth } from './health/client-health.js';
import { type QueueDepthEvent, QueueDepthMonitor } from './health/queue-depth-monitor.js';
import { SubscriptionMonitor } from './health/subscription-monitor.js';
import { ClientClosedError } from './broker-errors.js';
import type { ConsumerHost, QueueConsumer } from './queue-consumer.js';
import type { StreamContext } from './stream-context.js';
import { ClientMetrics } from './telemetry/client-metrics.js';

/** What the subscriptions need of the client that owns them. */
export interface SubscriptionsOwner {
  readonly host: Omit<ConsumerHost, 'unregister'>;
  readonly closed: () => boolean;
  readonly depthChanged: (event: QueueDepthEvent) => void;
  readonly report: (error: Error) => void;
}

/**
 * A client's live subscriptions and what watches them: the health each one
 * reports, the queue-depth sampler, and the metrics (undefined without an
 * OpenTelemetry SDK). Builds the context listen() and consume() streams run in.
 */
export class ClientSubscriptions {
  readonly #consumers = new Map<QueueConsumer, SubscriptionMonitor>();
  readonly #depth: QueueDepthMonitor;
  readonly metrics: ClientMetrics | undefined;
  #lastFailure: { readonly name: string; readonly at: number } | undefined;
  readonly streams: StreamContext;

  constructor(options: ResolvedClientOptions, connections: ConnectionManager, owner: SubscriptionsOwner) {
    const depthSource = {
      queues: () => [...this.#consumers.keys()].flatMap((consumer) => consumer.queueName ?? []),
      get connected() {
        return connections.connected;
      },
      check: (queue: string) => connections.withChannel((channel) => channel.checkQueue(queue)),
    };
    this.#depth = new QueueDepthMonitor(options.queueDepth, depthSource, owner.depthChanged);
    const metrics = ClientMetrics.create(options.meterProvider, {
      get connected() {
        return connections.connected;
      },
      depths: () => this.#depth.samples.values(),
    });
    this.metrics = metrics;
    const host: ConsumerHost = {
      ...owner.host,
      unregister: (consumer) => {
        this.#consumers.delete(consumer);
        void connections.releaseIfIdle();
      },
    };
    this.streams = {
      host,
      namespace: options.namespace,
      register: (consumer, queue) => {
        if (owner.closed()) throw new ClientClosedError();
        const monitor = new SubscriptionMonitor(consumer, metrics?.subscription(queue));
        this.#consumers.set(consumer, monitor);
        this.#depth.start();
        return monitor;
      },
      metricsFor: (queue) => metrics?.subscription(queue),
      failed: (error) => {
        this.#lastFailure = { name: error.name, at: Date.now() };
      },
      report: owner.report,
    };
  }

  get live(): number {
    return this.#consumers.size;
  }

  health(connected: boolean, closed: boolean): PulseHealth {
    const depth = this.#depth;
    return healthOf({ connected, closed, subscriptions: this.#consumers.values(), samples: depth.samples, limits: depth.limits, lastFailure: this.#lastFailure });
  }

  sampleQueueDepth(): Promise<void> {
    return this.#depth.sample();
  }

  /** Stops the watchers, then every consumer (completing its stream), within `deadline`. */
  async stop(deadline: Deadline): Promise<void> {
    this.#depth.stop();
    this.metrics?.close();
    await Promise.all([...this.#consumers.keys()].map((consumer) => consumer.stop({ complete: true, deadline })));
  }
}
