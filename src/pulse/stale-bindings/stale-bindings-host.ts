import type { BrokerAddress } from '../broker-address.js';
import type { DeclaredBinding } from './binding-set.js';

/** What `handover` tells the client (its `handover` event). */
export interface HandoverInfo {
  /** The previous queue. */
  readonly from: string;
  /** The queue named after the current binding set. */
  readonly to: string;
  /** `draining`: consumed into the same stream, its bindings removed; `deleted`: empty and gone. */
  readonly state: 'draining' | 'deleted';
}

/** What dealing with stale bindings needs from the client (part of a consumer's host). */
export interface StaleBindingsHost {
  /** The first broker: where `staleBindings: 'remove'` finds the management API and, unless given, its credentials. */
  readonly broker?: BrokerAddress;
  /** Emits the client's `unbound` event: stale bindings removed from `queue`. */
  unbound?(info: { readonly queue: string; readonly bindings: readonly DeclaredBinding[] }): void;
  /** Emits the client's `handover` event. */
  handover?(info: HandoverInfo): void;
  /** Emits the client's `error` event. */
  report(error: Error): void;
}
