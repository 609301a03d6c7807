import { PulseConfigError } from '../pulse-errors.js';

/**
 * When to warn about a queue filling up. The defaults are the Pulse
 * guardian's: it warns a queue's owner above 2,000 messages and deletes the
 * queue above 8,000.
 */
export interface QueueDepthOptions {
  /** Messages ready in a queue from which it is reported at level `warn`. Default 2000. */
  readonly warnAt?: number;
  /** Messages from which it is reported at level `critical` (the guardian deletes such a queue). Default 8000. */
  readonly criticalAt?: number;
  /**
   * How often each subscription's queue is sampled (a passive declare on a
   * channel of its own, while connected). Default 30000; 0 turns sampling,
   * and with it the warnings and depth metrics, off.
   */
  readonly sampleIntervalMs?: number;
}

export interface QueueDepthLimits {
  readonly warnAt: number;
  readonly criticalAt: number;
  readonly sampleIntervalMs: number;
}

/** How full a queue is against the limits. */
export type QueueDepthLevel = 'ok' | 'warn' | 'critical';

export const GUARDIAN_WARNS_AT = 2_000;
export const GUARDIAN_DELETES_AT = 8_000;

export function resolveQueueDepth(options: QueueDepthOptions | undefined): QueueDepthLimits {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new PulseConfigError('queueDepth', 'must be an object {warnAt, criticalAt, sampleIntervalMs}');
  }
  const warnAt = options?.warnAt ?? GUARDIAN_WARNS_AT;
  const criticalAt = options?.criticalAt ?? GUARDIAN_DELETES_AT;
  const sampleIntervalMs = options?.sampleIntervalMs ?? 30_000;
  if (!Number.isInteger(warnAt) || warnAt < 1) throw new PulseConfigError('queueDepth.warnAt', `must be a positive integer, got ${String(warnAt)}`);
  if (!Number.isInteger(criticalAt) || criticalAt <= warnAt) {
    throw new PulseConfigError('queueDepth.criticalAt', `must be an integer above queueDepth.warnAt (${warnAt}), got ${String(criticalAt)}`);
  }
  if (!Number.isInteger(sampleIntervalMs) || (sampleIntervalMs !== 0 && sampleIntervalMs < 100) || sampleIntervalMs > 2 ** 31 - 1) {
    throw new PulseConfigError('queueDepth.sampleIntervalMs', `must be 0 (off) or an integer of milliseconds >= 100, got ${String(sampleIntervalMs)}`);
  }
  return { warnAt, criticalAt, sampleIntervalMs };
}

export function depthLevel(messageCount: number, limits: QueueDepthLimits): QueueDepthLevel {
  return messageCount >= limits.criticalAt ? 'critical' : messageCount >= limits.warnAt ? 'warn' : 'ok';
}
