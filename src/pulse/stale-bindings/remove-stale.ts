import { closeQuietly } from '../close-quietly.js';
import type { AmqpConnection } from '../amqp-api.js';
import type { BrokerAddress } from '../broker-address.js';
import { bindingsUrlFor, readQueueBindings, StaleBindingsError } from './bindings-reader.js';
import { type DeclaredBinding, staleBindingsOf } from './binding-set.js';
import type { BindingsSource } from './options.js';
import type { StaleBindingsHost } from './stale-bindings-host.js';

/**
 * The `remove` policy: lists the queue's real bindings over HTTP, then
 * unbinds, over AMQP on a channel of its own (a refused unbind must not take
 * the consuming channel along), every exchange binding not declared now.
 * Returns what it removed.
 */
export async function removeStaleBindings(
  connection: AmqpConnection,
  queue: string,
  declared: readonly DeclaredBinding[],
  source: BindingsSource,
  broker: BrokerAddress | undefined,
  signal?: AbortSignal,
): Promise<DeclaredBinding[]> {
  const { url, username, password } = locate(source, broker, queue);
  const rows = await readQueueBindings(url, queue, { username, password }, signal ? { signal } : {});
  const stale = staleBindingsOf(rows, declared, queue);
  if (stale.length === 0) return [];
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    for (const row of stale) await channel.unbindQueue(queue, row.source, row.routing_key, row.arguments ?? {});
  } finally {
    await closeQuietly(channel);
  }
  return stale.map((row) => ({ exchange: row.source, routingKeyPattern: row.routing_key }));
}

/** `removeStaleBindings` once for a subscription: what it removed is an `unbound` event; a failure is reported, and the stale bindings stay (their messages are dropped as unbound). */
export async function removeStaleBindingsReporting(
  host: StaleBindingsHost,
  connection: AmqpConnection,
  queue: string,
  declared: readonly DeclaredBinding[],
  source: BindingsSource,
  signal: AbortSignal,
): Promise<void> {
  try {
    const removed = await removeStaleBindings(connection, queue, declared, source, host.broker, signal);
    if (removed.length > 0) host.unbound?.({ queue, bindings: removed });
  } catch (error) {
    if (!signal.aborted) host.report(error as Error);
  }
}

/** The listing's URL and credentials: the source's own, else (management API only) the broker's; `from-broker` derives the URL too. */
function locate(source: BindingsSource, broker: BrokerAddress | undefined, queue: string): { url: string; username: string | undefined; password: string | undefined } {
  const vhost = broker?.vhost ?? '/';
  const brokerLogin = broker?.amqplibOptions();
  let base = source.url;
  if (base === 'from-broker') {
    if (!broker || (broker.scheme !== 'amqp' && broker.scheme !== 'amqps')) {
      throw new StaleBindingsError(queue, 'from-broker', `a ${broker?.scheme ?? 'missing'}:// broker has no management API to derive; give managementUrl or bindingsUrl, or use staleBindings "handover"`);
    }
    const secure = broker.scheme === 'amqps';
    base = `${secure ? 'https' : 'http'}://${broker.hostname}:${secure ? 15671 : 15672}`;
  }
  // The broker's credentials go only to its own management API, never to a deployment's URL.
  const own = source.username !== undefined || source.kind === 'bindings-url';
  return {
    url: bindingsUrlFor({ kind: source.kind, url: base }, vhost, queue),
    username: own ? source.username : brokerLogin?.username,
    password: own ? source.password : brokerLogin?.password,
  };
}
