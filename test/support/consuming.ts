/** Starting a consume() stream in a test: subscribed, consuming, its outcomes collected. */
import type { Subscription } from 'rxjs';
import type { BindingIn, Bindings, ConsumeHandler, ConsumeOptions, ConsumeOutcome, MessageOf, PulseClient } from '../../src/pulse/index.js';
import { consumingOn } from './rabbit.js';

export interface Consuming<M, R> {
  /** Every outcome so far, in order. */
  readonly outcomes: ConsumeOutcome<M, R>[];
  readonly subscription: Subscription;
}

/** Subscribes to `client.consume(...)` and resolves once its consumer is consuming. */
export async function consuming<const B extends Bindings, R = unknown>(
  client: PulseClient,
  bindings: B,
  handler: ConsumeHandler<MessageOf<BindingIn<B>>, R>,
  options: ConsumeOptions,
): Promise<Consuming<MessageOf<BindingIn<B>>, R>> {
  const outcomes: ConsumeOutcome<MessageOf<BindingIn<B>>, R>[] = [];
  const ready = consumingOn(client);
  const subscription = client.consume(bindings, handler, options).subscribe((outcome) => outcomes.push(outcome));
  await ready;
  return { outcomes, subscription };
}
