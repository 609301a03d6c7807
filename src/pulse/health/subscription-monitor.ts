import type { ReceivedMessage } from '../pulse-message.js';
import type { QueueConsumer } from '../queue-consumer.js';
import type { SubscriptionMetrics } from '../telemetry/subscription-metrics.js';

/** What the client knows of one live subscription, for `health()` and the metrics. */
export class SubscriptionMonitor {
  /** Milliseconds since the epoch of the last message delivered to the stream. */
  lastMessageAt: number | undefined;

  constructor(
    readonly consumer: QueueConsumer,
    private readonly metrics: SubscriptionMetrics | undefined,
  ) {}

  received(message: ReceivedMessage): void {
    const now = Date.now();
    this.lastMessageAt = now;
    this.metrics?.received(message, now);
  }
}
