/** What the sweep test hands its child run (through SWEEP_CONFIG), and what the run hands back. */
import type { Secret } from '../secret-search.js';

export interface SweepConfig {
  /** A RabbitMQ user made for the run, with Pulse's permissions on `vhost`. */
  readonly user: string;
  /** Its password: holds `/ ? # @ :`, used unencoded and percent-encoded in URLs. */
  readonly password: string;
  /** A password that is refused, with reserved characters too. */
  readonly wrongPassword: string;
  readonly vhost: string;
  /** The Taskcluster access token of `sweep/client` (permanent). */
  readonly accessToken: string;
  /** Where the run writes the secrets it only learns while running (MACs, bewits, temporary credentials). */
  readonly secretsFile: string;
  /** Only print a planted secret and exit: proves the parent's capture and search catch a leak. */
  readonly plant?: boolean;
}

export type { Secret };

export const CLIENT_ID = 'sweep/client';

/** The broker URL for the run's user: the password as given (unencoded) or percent-encoded, on `port` (a proxy's, or a closed one). */
export function brokerUrl(config: SweepConfig, options: { readonly port?: number; readonly password?: string; readonly encoded?: boolean } = {}): string {
  const password = options.password ?? config.password;
  const shown = options.encoded ? encodeURIComponent(password) : password;
  return `amqp://${config.user}:${shown}@127.0.0.1:${options.port ?? 5672}/${encodeURIComponent(config.vhost)}`;
}

/** Resolves with `promise`, or rejects naming `what` after `ms`: no wait in the sweep is open-ended. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`sweep: ${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves once `predicate` holds (polling), or rejects naming `what` after `ms`. */
export async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`sweep: ${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
