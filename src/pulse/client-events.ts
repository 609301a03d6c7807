import type { QueueDepthEvent } from './health/queue-depth-monitor.js';

/** Lifecycle events of a `PulseClient`. */
export interface PulseClientEvents {
  /** A connection is open (first or after a reconnection). `url` has its password redacted, as in every event. */
  connected: (info: { readonly url: string; readonly connectionName: string }) => void;
  /** The connection dropped; live subscriptions will resume on the next one. */
  disconnected: (info: { readonly url: string; readonly error: Error | undefined }) => void;
  /** A connection attempt failed; the next one follows after `delayMs`. */
  reconnecting: (info: { readonly attempt: number; readonly delayMs: number; readonly error: Error }) => void;
  /**
   * Something a long-running bot should log: a malformed or unbound message,
   * an ack after its channel closed, a cancelled consumer, a channel error, a
   * handler giving up on a message. The client carries on.
   */
  error: (error: Error) => void;
  /** A subscription is consuming from `queue` (again, if `resumed`: after a reconnection, channel error or cancel). */
  consuming: (info: { readonly queue: string; readonly consumerTag: string; readonly resumed: boolean }) => void;
  /**
   * `staleBindings: 'remove'`: bindings the subscription no longer declares
   * were removed from its durable `queue`.
   */
  unbound: (info: { readonly queue: string; readonly bindings: readonly { readonly exchange: string; readonly routingKeyPattern: string }[] }) => void;
  /**
   * `staleBindings: 'handover'`: the previous queue `from` lost its bindings
   * and is consumed into the subscription beside `to` (`draining`), or was
   * emptied and deleted (`deleted`).
   */
  handover: (info: { readonly from: string; readonly to: string; readonly state: 'draining' | 'deleted' }) => void;
  /** The broker stopped reading from this connection (e.g. it is low on memory or disk). */
  blocked: (reason: string) => void;
  unblocked: () => void;
  /**
   * A subscribed queue's depth crossed a limit of the `queueDepth` option, up
   * (`warn`: the Pulse guardian warns; `critical`: it deletes the queue) or
   * back down (`ok`). Sampled every `queueDepth.sampleIntervalMs`.
   */
  'queue-depth': (info: QueueDepthEvent) => void;
}
