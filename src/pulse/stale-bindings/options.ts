import { PulseConfigError } from '../pulse-errors.js';

/**
 * What to do with bindings an earlier version of the bot left on its durable
 * queue (they keep delivering messages it no longer wants):
 * - `keep` (default): leave them; such messages are acked and dropped with an
 *   `UnboundMessageError` event, as before.
 * - `remove`: read the queue's real bindings (`managementUrl` or
 *   `bindingsUrl`) and unbind, over AMQP, every exchange binding the bot no
 *   longer declares.
 * - `handover`: no listing needed. The queue is named after the binding set
 *   (`queue/<namespace>/<queueName>/<hash>`); the previous queue is unbound,
 *   drained into the same stream, then deleted.
 */
export type StaleBindingsPolicy = 'keep' | 'remove' | 'handover';

/** The options of `QueueOptions` that say how stale bindings are found and removed. */
export interface StaleBindingsOptions {
  /** Named queues only. Default `keep`. See `StaleBindingsPolicy`. */
  readonly staleBindings?: StaleBindingsPolicy;
  /**
   * With `remove`: the RabbitMQ management API, e.g. `http://localhost:15672`
   * (credentials in the URL, or else the broker's), or `from-broker`:
   * `http://<broker host>:15672` for amqp, `https://<broker host>:15671` for
   * amqps, with the broker's credentials (the first of `urls`). Only read
   * (GET), never written.
   */
  readonly managementUrl?: string;
  /**
   * With `remove`: a URL the deployment serves that lists the queue's
   * bindings, in the management API's shape: a JSON array of
   * `{ "source": exchange, "routing_key": pattern, "destination"?: queue,
   * "destination_type"?: "queue", "arguments"?: {...} }`. `{queue}` and
   * `{vhost}` in it are replaced by the URL-encoded queue name and vhost.
   */
  readonly bindingsUrl?: string;
}

/** Where a queue's real bindings are read. The URL never holds credentials: they are kept apart. */
export interface BindingsSource {
  readonly kind: 'management' | 'bindings-url';
  /** `from-broker`, or the URL without its user info; never quoted with credentials. */
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
}

/** The resolved policy, ready for the consumer. */
export type StaleBindingsPlan =
  | { readonly policy: 'remove'; readonly source: BindingsSource }
  | { readonly policy: 'handover'; readonly baseQueue: string };

/** Room a handover queue name needs after the base name: `/` and the 12-character hash. */
export const HANDOVER_SUFFIX_LENGTH = 13;

/** Checks the options, naming the field and the rule, before any network I/O; undefined for `keep`. */
export function resolveStaleBindings(options: StaleBindingsOptions, queue: string | undefined): StaleBindingsPlan | undefined {
  const policy = options.staleBindings ?? 'keep';
  if (policy !== 'keep' && policy !== 'remove' && policy !== 'handover') {
    throw new PulseConfigError('staleBindings', `must be "keep", "remove" or "handover", got ${JSON.stringify(policy)}`);
  }
  const hasSource = options.managementUrl !== undefined || options.bindingsUrl !== undefined;
  if (policy !== 'remove' && hasSource) {
    throw new PulseConfigError(options.managementUrl !== undefined ? 'managementUrl' : 'bindingsUrl', 'only applies with staleBindings: "remove"');
  }
  if (policy === 'keep') return undefined;
  if (queue === undefined) throw new PulseConfigError('staleBindings', 'applies to named queues only: give queueName (an unnamed queue starts with no bindings)');
  if (policy === 'handover') {
    if (Buffer.byteLength(queue) + HANDOVER_SUFFIX_LENGTH > 255) {
      throw new PulseConfigError('queueName', `is too long for staleBindings "handover": the queue name with its /<hash> suffix must fit 255 bytes`);
    }
    return { policy, baseQueue: queue };
  }
  if (options.managementUrl !== undefined && options.bindingsUrl !== undefined) {
    throw new PulseConfigError('managementUrl/bindingsUrl', 'give only one of them');
  }
  if (options.managementUrl === 'from-broker') return { policy, source: { kind: 'management', url: 'from-broker', username: undefined, password: undefined } };
  if (options.managementUrl !== undefined) return { policy, source: httpSource('management', 'managementUrl', options.managementUrl) };
  if (options.bindingsUrl !== undefined) return { policy, source: httpSource('bindings-url', 'bindingsUrl', options.bindingsUrl) };
  throw new PulseConfigError('managementUrl', 'is required with staleBindings: "remove" (or give bindingsUrl): the queue\'s bindings can only be listed over HTTP');
}

/** An http(s) URL, its user info taken apart; the value is never quoted (it may hold a password). */
function httpSource(kind: BindingsSource['kind'], field: string, value: unknown): BindingsSource {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const got = typeof value === 'string' ? `a string of ${value.length} characters` : typeof value;
    throw new PulseConfigError(field, `must be an http:// or https:// URL${kind === 'management' ? ' (or "from-broker")' : ''}, got ${got}`);
  }
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { kind, url: url.toString().replace(/\/$/, ''), username, password };
}
