import type { QueueDepthSample } from './queue-depth-monitor.js';
import type { QueueDepthLevel, QueueDepthLimits } from './queue-depth-options.js';
import type { SubscriptionMonitor } from './subscription-monitor.js';

/** One subscription's state in `client.health()`. */
export interface SubscriptionHealth {
  /** Its queue (undefined before it is first declared). */
  readonly queue: string | undefined;
  /** A consumer is live on the broker now. */
  readonly consuming: boolean;
  /** ISO time of the last message delivered to it, if any. */
  readonly lastMessageAt: string | undefined;
  /** Its queue's depth as last sampled (see the `queueDepth` option), if sampled yet. */
  readonly depth: QueueDepthHealth | undefined;
}

export interface QueueDepthHealth {
  readonly messageCount: number;
  readonly consumerCount: number;
  /** Against `queueDepth.warnAt` / `criticalAt`. */
  readonly level: QueueDepthLevel;
  readonly sampledAt: string;
}

/**
 * A client's health, e.g. for a liveness or readiness probe. Holds no URL,
 * credential or message content.
 *
 * - `status`: `failing` when the client is closed, a stream failed for good
 *   (connection given up, queue setup refused) and nothing consumes, or a
 *   queue is at the critical depth; `degraded` while disconnected with
 *   subscriptions, while a
 *   subscription is not consuming (resuming), or a queue is at the warning
 *   depth; else `ok`.
 * - `live`: not closed, and not failed with nothing consuming (restarting helps).
 * - `ready`: connected, with at least one subscription and all consuming.
 */
export interface PulseHealth {
  readonly status: 'ok' | 'degraded' | 'failing';
  readonly live: boolean;
  readonly ready: boolean;
  readonly connected: boolean;
  readonly closed: boolean;
  /** ISO time of the last message any subscription got. */
  readonly lastMessageAt: string | undefined;
  readonly subscriptions: readonly SubscriptionHealth[];
  readonly limits: { readonly warnAt: number; readonly criticalAt: number };
  /** The last error that ended a stream for good: its class name and ISO time. */
  readonly lastFailure: { readonly name: string; readonly at: string } | undefined;
}

export interface HealthInput {
  readonly connected: boolean;
  readonly closed: boolean;
  readonly subscriptions: Iterable<SubscriptionMonitor>;
  readonly samples: ReadonlyMap<string, QueueDepthSample>;
  readonly limits: QueueDepthLimits;
  readonly lastFailure: { readonly name: string; readonly at: number } | undefined;
}

export function healthOf(input: HealthInput): PulseHealth {
  const monitors = [...input.subscriptions];
  const subscriptions = monitors.map((monitor): SubscriptionHealth => {
    const queue = monitor.consumer.queueName;
    const sample = queue === undefined ? undefined : input.samples.get(queue);
    return {
      queue,
      consuming: monitor.consumer.consuming,
      lastMessageAt: iso(monitor.lastMessageAt),
      depth: sample && { messageCount: sample.messageCount, consumerCount: sample.consumerCount, level: sample.level, sampledAt: iso(sample.sampledAt)! },
    };
  });
  const consuming = subscriptions.filter((s) => s.consuming).length;
  const levels = new Set(subscriptions.map((s) => s.depth?.level));
  const failed = input.lastFailure !== undefined && consuming === 0;
  const live = !input.closed && !failed;
  const ready = input.connected && subscriptions.length > 0 && consuming === subscriptions.length;
  const status =
    !live || levels.has('critical') ? 'failing' : (!input.connected && subscriptions.length > 0) || consuming < subscriptions.length || levels.has('warn') ? 'degraded' : 'ok';
  const last = Math.max(...monitors.map((m) => m.lastMessageAt ?? -Infinity));
  return {
    status,
    live,
    ready,
    connected: input.connected,
    closed: input.closed,
    lastMessageAt: iso(Number.isFinite(last) ? last : undefined),
    subscriptions,
    limits: { warnAt: input.limits.warnAt, criticalAt: input.limits.criticalAt },
    lastFailure: input.lastFailure && { name: input.lastFailure.name, at: iso(input.lastFailure.at)! },
  };
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
