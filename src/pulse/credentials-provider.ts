import type { BrokerAddress } from './broker-address.js';
import { PulseError, redactCredentials, redactInPlace } from './error-json.js';

/** A broker login as a credentials provider hands it out. */
export interface PulseCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Pulse credentials that change: called before every connection attempt (the
 * first one and each reconnection), so a rotated password is picked up at the
 * next reconnect. It may fetch from a secrets store; it should cache. Bounded,
 * with the connection attempt, by `connectTimeoutMs`: `signal` aborts then (or
 * when the client closes).
 */
export type PulseCredentialsProvider = (context: {
  /** The broker about to be connected to, password redacted. */
  readonly url: string;
  readonly signal: AbortSignal;
}) => PulseCredentials | Promise<PulseCredentials>;

/**
 * The credentials provider failed, answered something that is not
 * `{username, password}`, or did not answer within `connectTimeoutMs`. Counts
 * as a failed connection attempt: retried with backoff (`reconnecting`), up to
 * `reconnect.maxAttempts`. Its message never quotes what the provider returned.
 */
export class CredentialsProviderError extends PulseError {
  override readonly name = 'CredentialsProviderError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

}

/**
 * `address` with the login the provider hands out, asked within `timeoutMs`
 * (or until `signal` aborts: then rejects with its reason).
 */
export async function withProvidedCredentials(
  provider: PulseCredentialsProvider,
  address: BrokerAddress,
  { timeoutMs, signal }: { readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<BrokerAddress> {
  if (signal.aborted) throw signal.reason;
  // A timer of its own, not AbortSignal.timeout (unreferenced): a bot waiting only for its provider must not exit.
  const attempt = new AbortController();
  const timer = setTimeout(() => attempt.abort(new CredentialsProviderError(`the credentials provider did not answer within ${timeoutMs} ms (connectTimeoutMs)`)), timeoutMs);
  const onClose = () => attempt.abort(signal.reason);
  signal.addEventListener('abort', onClose, { once: true });
  let answer: unknown;
  try {
    answer = await new Promise<unknown>((resolve, reject) => {
      attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason), { once: true });
      Promise.resolve()
        .then(() => provider({ url: address.display, signal: attempt.signal }))
        .then(resolve, reject);
    });
  } catch (error) {
    if (signal.aborted || error instanceof CredentialsProviderError) throw error;
    // The provider's own error may quote a secret (a vault URL with a token): its text is masked, its identity kept as the cause.
    const text = redactCredentials(error instanceof Error ? error.message : String(error));
    throw new CredentialsProviderError(`the credentials provider failed: ${text}`, { cause: redactInPlace(error) });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onClose);
  }
  const { username, password } = (answer ?? {}) as Partial<Record<keyof PulseCredentials, unknown>>;
  if (typeof username !== 'string' || username === '') throw new CredentialsProviderError('the credentials provider must return {username, password}: username must be a non-empty string');
  if (typeof password !== 'string') throw new CredentialsProviderError('the credentials provider must return {username, password}: password must be a string');
  return address.withCredentials(username, password);
}
