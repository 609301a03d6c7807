import type { Subscriber, TeardownLogic } from 'rxjs';
import type { Binding } from '../bindings/types.js';
import type { SubscriptionMonitor } from './health/subscription-monitor.js';
import type { MessageDecoder } from './message-decoder.js';
import { type ConsumerHost, type ConsumerSink, QueueConsumer } from './queue-consumer.js';
import type { QueueDeclaration } from './queue-options.js';
import type { SubscriptionMetrics } from './telemetry/subscription-metrics.js';

/** What listen() and consume() streams need from their client. */
export interface StreamContext {
  readonly host: ConsumerHost;
  readonly namespace: string;
  /** Adds a live consumer of `queue`, watched for health and metrics; throws ClientClosedError once the client is closed. */
  register(consumer: QueueConsumer, queue: string): SubscriptionMonitor;
  /** A stream's metrics on `queue`; undefined without an OpenTelemetry SDK. */
  metricsFor(queue: string): SubscriptionMetrics | undefined;
  /** A stream ended for good with `error` (for `health()`). */
  failed(error: Error): void;
  /** Emits the client's `error` event. */
  report(error: Error): void;
}

/** A stream's queue: how to declare it, what to bind, how to decode. */
export interface ConsumerSetup {
  readonly declaration: QueueDeclaration;
  readonly bindings: readonly Binding[];
  readonly decoder: MessageDecoder;
}

/** What a stream hands its consumer: messages, the start of a stop, and (optionally) its end. */
export type StreamSink = Pick<ConsumerSink, 'deliver' | 'stopTaking' | 'consuming'> & {
  /** The consumer has stopped, whatever stopped it: nothing more arrives. */
  readonly stopped?: () => void;
};

/**
 * Starts a consumer for one subscriber: its failure errors the stream, the
 * client closing completes it. Returns the teardown, which stops consuming;
 * `waitForSettled` lets delivered messages be settled first (bounded).
 * Aborting `stopSignal` stops the same way as `client.close()` does for
 * every stream: gracefully, then completing the stream. (Ending a stream from
 * inside, e.g. when a condition is met, is aborting a signal passed here.)
 */
export function runConsumer(
  context: StreamContext,
  subscriber: Subscriber<never>,
  setup: ConsumerSetup,
  sink: StreamSink,
  waitForSettled: boolean,
  stopSignal?: AbortSignal,
): TeardownLogic {
  let monitor!: SubscriptionMonitor;
  const consumer = new QueueConsumer(context.host, setup.declaration, setup.bindings, setup.decoder, {
    ...sink,
    deliver: (message) => {
      monitor.received(message);
      sink.deliver(message);
    },
    failed: (error) => {
      context.failed(error);
      subscriber.error(error);
    },
    completed: () => subscriber.complete(),
  });
  try {
    // Schemas compile now, before consuming: decoding is synchronous.
    setup.decoder.prepare();
    monitor = context.register(consumer, setup.declaration.nameFor());
  } catch (error) {
    subscriber.error(error);
    return undefined;
  }
  consumer.start();
  const stopGracefully = () => void consumer.stop({ complete: true });
  stopSignal?.addEventListener('abort', stopGracefully, { once: true });
  return () => {
    stopSignal?.removeEventListener('abort', stopGracefully);
    void consumer.stop({ waitForSettled }).then(() => sink.stopped?.());
  };
}
