/** Starting a consume() stream in a test: subscribed, consuming, its outcomes collected. */
import type { Observable, Subscription } from 'rxjs';
import type { BindingIn, Bindings, ConsumeHandler, ConsumeOptions, ConsumeOutcome, MessageOf, PulseClient } from '../../src/pulse/index.js';
import { consumingOn } from './rabbit.js';

export interface Consuming<M, R> {
  /** Every outcome so far, in order. */
  readonly outcomes: ConsumeOutcome<M, R>[];
  readonly subscription: Subscription;
  /** When the stream completed (`Date.now()`); 0 until it does. */
  readonly completedAt: number;
}

/** Subscribes to `client.consume(...)` and resolves once its consumer is consuming. */
export async function consuming<const B extends Bindings, R = unknown>(
  client: PulseClient,
  bindings: B,
  handler: ConsumeHandler<MessageOf<BindingIn<B>>, R>,
  options: ConsumeOptions,
): Promise<Consuming<MessageOf<BindingIn<B>>, R>> {
  return consumingStream(client, client.consume(bindings, handler, options));
}

/** Subscribes to a stream `client.consume()` returned (it starts on subscribing) and resolves once its consumer is consuming. */
export async function consumingStream<M, R>(client: PulseClient, stream: Observable<ConsumeOutcome<M, R>>): Promise<Consuming<M, R>> {
  const outcomes: ConsumeOutcome<M, R>[] = [];
  let completedAt = 0;
  const ready = consumingOn(client);
  const subscription = stream.subscribe({ next: (outcome) => outcomes.push(outcome), complete: () => (completedAt = Date.now()) });
  await ready;
  return {
    outcomes,
    subscription,
    get completedAt() {
      return completedAt;
    },
  };
}
