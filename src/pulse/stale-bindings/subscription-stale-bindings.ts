import type { AmqpConnection } from '../amqp-api.js';
import type { RetryRoute } from '../retry-queue.js';
import { bindingSetHash, type DeclaredBinding } from './binding-set.js';
import { type HandoverContext, runHandover } from './handover.js';
import type { StaleBindingsPlan } from './options.js';
import { removeStaleBindingsReporting } from './remove-stale.js';
import type { StaleBindingsHost } from './stale-bindings-host.js';

/**
 * What one subscription does about stale bindings (`staleBindings`), once,
 * on its first channel: `remove` takes the bindings it no longer declares off
 * its queue; `handover` consumes a queue named after its binding set and,
 * once that consumes, drains the previous queues into the same stream.
 */
export class SubscriptionStaleBindings {
  /** `handover`: the queue named after the binding set, consumed instead of the subscription's own. */
  readonly handoverQueue: string | undefined;
  #handled = false;
  #handover: Promise<void> | undefined;

  constructor(
    private readonly plan: StaleBindingsPlan | undefined,
    private readonly bindings: readonly DeclaredBinding[],
    private readonly host: StaleBindingsHost,
    /** Aborted when the subscription stops: ends a removal or a handover in progress. */
    private readonly signal: AbortSignal,
  ) {
    this.handoverQueue = plan?.policy === 'handover' ? `${plan.baseQueue}/${bindingSetHash(bindings)}` : undefined;
  }

  /** A handover in progress, until it ends. */
  get handover(): Promise<void> | undefined {
    return this.#handover;
  }

  /** `remove`, not done yet: {@link remove} is due once the queue is declared. */
  get removalDue(): boolean {
    return this.plan?.policy === 'remove' && !this.#handled;
  }

  /** Takes off `queue` the bindings not declared now: the subscription's and the retry route's return binding. */
  async remove(connection: AmqpConnection, queue: string, retryRoute: RetryRoute | undefined): Promise<void> {
    if (this.plan?.policy !== 'remove') return;
    this.#handled = true;
    const declared = retryRoute ? [...this.bindings, retryRoute.returnBinding] : this.bindings;
    await removeStaleBindingsReporting(this.host, connection, queue, declared, this.plan.source, this.signal);
  }

  /** `handover`, not done yet: {@link startHandover} is due once the handover queue consumes. */
  get handoverDue(): boolean {
    return this.plan?.policy === 'handover' && !this.#handled;
  }

  /** Drains the previous queues into the subscription's stream (`drain`), then deletes them; runs beside the consumer. */
  startHandover(connection: HandoverContext['connection'], drain: HandoverContext['drain']): void {
    if (this.plan?.policy !== 'handover') return;
    this.#handled = true;
    const { baseQueue } = this.plan;
    this.#handover = runHandover(this.host, { baseQueue, newQueue: this.handoverQueue!, bindings: this.bindings, signal: this.signal, connection, drain });
  }
}
