import { checkBindings } from './check-bindings.js';
import { PulseConfigError } from './client-options.js';
import { MessageDecoder } from './message-decoder.js';
import type { Bindings, ReceivedMessage } from './pulse-message.js';
import { resolveQueueOptions, type QueueOptions } from './queue-options.js';
import { Observable } from './rxjs-core.js';
import { runConsumer, type StreamContext } from './stream-context.js';

export interface ListenOptions extends QueueOptions {
  /**
   * `auto` (default): each message is acknowledged as soon as the subscriber's
   * `next` returns (unless it settled it already): simple, at-most-once if you
   * hand messages on asynchronously. `manual`: call `message.ack()` or
   * `message.nack()` yourself; unsettled messages count against `prefetch`.
   */
  readonly ack?: 'auto' | 'manual';
}

/** The cold observable behind `client.listen()`. Options are checked now, before any network I/O. */
export function listenStream(context: StreamContext, bindings: Bindings, options: ListenOptions): Observable<ReceivedMessage> {
  const list = checkBindings(bindings);
  const declaration = resolveQueueOptions(context.namespace, options);
  const ack = options.ack ?? 'auto';
  if (ack !== 'auto' && ack !== 'manual') throw new PulseConfigError('ack', `must be "auto" or "manual", got "${String(ack)}"`);
  const decoder = new MessageDecoder(list, options);

  return new Observable<ReceivedMessage>((subscriber) => {
    const setup = { declaration, bindings: list, decoder };
    // On unsubscribe nobody downstream can settle messages any more: close at once, the broker requeues them.
    return runConsumer(
      context,
      subscriber,
      setup,
      {
        deliver: (message) => {
          // Arrived after unsubscribing, before the cancel took effect: give it back.
          if (subscriber.closed) return void message.nack({ requeue: true });
          subscriber.next(message);
          if (ack === 'auto' && !message.settled) message.ack();
        },
        stopTaking: () => undefined,
      },
      false,
    );
  });
}
