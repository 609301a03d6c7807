import type { Observable } from 'rxjs';
import type { ConsumeHandler, ConsumeOptions, ConsumeOutcome } from './consume-stream.js';
import type { ListenOptions } from './listen-stream.js';
import { PulseClient } from './pulse-client.js';
import type { BindingIn, Bindings, MessageOf } from './pulse-message.js';

let defaultClient: PulseClient | undefined;

/**
 * The client behind the top-level `listen()` and `consume()`: created on first
 * use from the environment (`PulseClient.fromEnv()`, a local broker as guest
 * when nothing is set). It closes its connection whenever nothing listens, so
 * a script ends when its subscriptions do.
 */
export function defaultPulseClient(): PulseClient {
  if (!defaultClient || defaultClient.closed) defaultClient = PulseClient.fromEnv({ releaseWhenIdle: true });
  return defaultClient;
}

/** Replaces the default client (e.g. with one for a test broker); returns the previous one. */
export function setDefaultPulseClient(client: PulseClient | undefined): PulseClient | undefined {
  const previous = defaultClient;
  defaultClient = client;
  return previous;
}

/** `listen()` on the default client: `listen(queueEvents.taskCompleted({taskId}))`. */
export function listen<const B extends Bindings>(bindings: B, options?: ListenOptions): Observable<MessageOf<BindingIn<B>>> {
  return defaultPulseClient().listen(bindings, options);
}

/** `consume()` on the default client. */
export function consume<const B extends Bindings, R = unknown>(
  bindings: B,
  handler: ConsumeHandler<MessageOf<BindingIn<B>>, R>,
  options?: ConsumeOptions<MessageOf<BindingIn<B>>, NoInfer<R>>,
): Observable<ConsumeOutcome<MessageOf<BindingIn<B>>, R>> {
  return defaultPulseClient().consume(bindings, handler, options);
}
