/**
 * Metric and attribute names. OpenTelemetry's semantic conventions where
 * they have one (messaging: https://opentelemetry.io/docs/specs/semconv/messaging/,
 * RabbitMQ: the exchange is `messaging.destination.name`); the library's own
 * under `tc_pulse.` otherwise. Attributes are bounded: exchange and queue
 * names, never routing keys or task ids.
 */
export const METRIC = {
  /** Counter: messages delivered to a `listen()` or `consume()` stream (semconv). */
  consumed: 'messaging.client.consumed.messages',
  /** Histogram, seconds: how long `consume()`'s handler ran (semconv). */
  processDuration: 'messaging.process.duration',
  /** Counter: what became of each message in `consume()`, by `tc_pulse.outcome`. */
  outcomes: 'tc_pulse.consume.outcomes',
  /** Counter: handler failures (threw, rejected, timed out), by `error.type`. */
  handlerFailures: 'tc_pulse.consume.handler_failures',
  /** Counter: messages the broker delivered again. */
  redelivered: 'tc_pulse.messages.redelivered',
  /** Gauge, seconds: delivery time minus the time of the event the last message reported. */
  lag: 'tc_pulse.message.lag',
  /** Gauge: messages ready in the queue, as last sampled. */
  queueDepth: 'tc_pulse.queue.messages',
  /** Gauge: consumers on the queue, as last sampled. */
  queueConsumers: 'tc_pulse.queue.consumers',
  /** Counter: queue-depth level changes, by `tc_pulse.queue.depth_level`. */
  depthWarnings: 'tc_pulse.queue.depth_warnings',
  /** Gauge: 1 while connected, else 0. */
  connected: 'tc_pulse.connection.up',
  /** Counter: connections opened after a lost one. */
  reconnects: 'tc_pulse.connection.reconnects',
  /** Counter: connection attempts that failed (each followed by a retry). */
  connectFailures: 'tc_pulse.connection.failed_attempts',
} as const;

export const ATTR = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  subscription: 'messaging.destination.subscription.name',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  errorType: 'error.type',
  outcome: 'tc_pulse.outcome',
  depthLevel: 'tc_pulse.queue.depth_level',
  connectionName: 'tc_pulse.connection.name',
} as const;

/** Buckets for durations in seconds, as the messaging conventions recommend. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
