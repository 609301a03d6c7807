/** How long to wait between reconnection attempts. */
export interface BackoffOptions {
  /** First delay. Default 100 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound of any delay, jitter included. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** Fraction of the delay drawn at random either way, 0–1. Default 0.2. */
  readonly jitter?: number;
  /** Give up after this many consecutive failed attempts. Default: never. */
  readonly maxAttempts?: number;
}

export type ResolvedBackoff = Required<BackoffOptions>;

export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const resolved = {
    initialDelayMs: options.initialDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.2,
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
  const check = (field: keyof ResolvedBackoff, ok: boolean, rule: string) => {
    if (!ok) throw new TypeError(`reconnect.${field}: ${rule}, got ${String(resolved[field])}`);
  };
  check('initialDelayMs', Number.isFinite(resolved.initialDelayMs) && resolved.initialDelayMs >= 0, 'must be a finite number >= 0');
  check('maxDelayMs', resolved.maxDelayMs >= resolved.initialDelayMs, 'must be >= initialDelayMs');
  check('factor', Number.isFinite(resolved.factor) && resolved.factor >= 1, 'must be a finite number >= 1');
  check('jitter', resolved.jitter >= 0 && resolved.jitter <= 1, 'must be between 0 and 1');
  check('maxAttempts', resolved.maxAttempts >= 1, 'must be >= 1');
  return resolved;
}

/**
 * Delay before attempt `attempt` (counting from 1): exponential, with jitter
 * so that many clients dropped at once (a broker restart) do not return in
 * lockstep. The base is capped at maxDelay/(1+jitter), so jitter never pushes
 * a delay past maxDelay and delays at the cap stay spread out.
 */
export function backoffDelay(backoff: ResolvedBackoff, attempt: number, random: () => number = Math.random): number {
  const cappedBase = backoff.maxDelayMs / (1 + backoff.jitter);
  const base = Math.min(cappedBase, backoff.initialDelayMs * backoff.factor ** Math.max(0, attempt - 1));
  const spread = base * backoff.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}
