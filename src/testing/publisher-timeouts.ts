/** The publisher's bounds on waiting. */
export interface PublisherTimeouts {
  readonly connectTimeoutMs: number;
  readonly confirmTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly heartbeatSeconds: number;
}

export const DEFAULT_PUBLISHER_TIMEOUTS: PublisherTimeouts = {
  connectTimeoutMs: 10_000,
  // Above the time to notice a dead link (2 heartbeats, 40 s) plus a
  // reconnection (10 s): a message caught in a dropped connection is
  // republished by default rather than rejected.
  confirmTimeoutMs: 60_000,
  closeTimeoutMs: 10_000,
  heartbeatSeconds: 20,
};

/** Checks and fills in the timeouts; a bad one throws a TypeError naming the field and the rule. */
export function resolvePublisherTimeouts(options: Partial<PublisherTimeouts>): PublisherTimeouts {
  const value = (field: keyof PublisherTimeouts, ok: (n: number) => boolean, rule: string): number => {
    const given = options[field] ?? DEFAULT_PUBLISHER_TIMEOUTS[field];
    if (typeof given !== 'number' || !ok(given)) throw new TypeError(`PulsePublisher: ${field} must be ${rule}, got ${String(given)}`);
    return given;
  };
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  return {
    connectTimeoutMs: value('connectTimeoutMs', positive, 'a finite number of milliseconds > 0'),
    confirmTimeoutMs: value('confirmTimeoutMs', positive, 'a finite number of milliseconds > 0'),
    closeTimeoutMs: value('closeTimeoutMs', (n) => Number.isFinite(n) && n >= 0, 'a finite number of milliseconds >= 0'),
    heartbeatSeconds: value('heartbeatSeconds', (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0 (0 disables heartbeats)'),
  };
}
