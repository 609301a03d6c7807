import type { ConsumeSettings } from './consume-options.js';
import type { ConsumeOutcome, GiveUpReason } from './consume-outcome.js';
import type { FailureVerdict } from './failure-classifier.js';
import { PermanentFailureError } from './failure-errors.js';
import type { HeldEnding, HeldMessages } from './held-messages.js';
import { DeliveryLimitError } from './pulse-errors.js';
import type { CopyPublisher, ReceivedMessage } from './pulse-message.js';
import type { QueueDeclaration } from './queue-options.js';

type Outcome<R> = ConsumeOutcome<ReceivedMessage, R>;
type MakeOutcome<R> = (holdingQueue: string, retryQueue: string | undefined, left: boolean) => Outcome<R>;

/**
 * What becomes of a held message (`consumerTimeoutMs`) when its run ends:
 * the same retry policy as for any message, applied to its copy, then one
 * outcome carrying `holdingQueue`. Its delivery was acked when it was moved,
 * so everything here goes through the copy; whatever cannot be done leaves the
 * copy in its holding queue, to return at its TTL.
 */
export class HeldOutcomes<R> {
  constructor(
    private readonly holding: HeldMessages,
    private readonly settings: ConsumeSettings,
    private readonly declaration: QueueDeclaration,
    private readonly verdict: (error: unknown, message: ReceivedMessage) => FailureVerdict,
    private readonly emit: (outcome: Outcome<R>) => void,
    private readonly report: (error: Error) => void,
  ) {}

  /** Nothing comes back: the holding queue is deleted. */
  handled(message: ReceivedMessage, deliveryCount: number, result: R, publisher: CopyPublisher | undefined): void {
    this.#end(message, { kind: 'handled' }, publisher, (holdingQueue) => ({ status: 'handled', settledBy: 'consumer', message, deliveryCount, result, ack: 'sent', holdingQueue }));
  }

  /** To its retry queue, or given up (the dead-letter exchange, or dropped) at `maxDeliveries` or on a permanent failure. */
  failed(message: ReceivedMessage, deliveryCount: number, error: unknown, publisher: CopyPublisher | undefined): void {
    const reason: GiveUpReason | undefined =
      this.verdict(error, message) === 'dead-letter' ? 'permanent' : deliveryCount >= this.settings.maxDeliveries ? 'delivery-limit' : undefined;
    if (reason === undefined) {
      const delayMs = this.declaration.retryRoute!.delayAfter(deliveryCount);
      return this.#end(message, { kind: 'retry', delayMs }, publisher, (holdingQueue, retryQueue) => ({
        status: 'retrying',
        settledBy: 'consumer',
        message,
        deliveryCount,
        error,
        requeue: 'sent',
        holdingQueue,
        ...(retryQueue ? { retryQueue } : {}),
      }));
    }
    const { deadLetterExchange } = this.declaration;
    const GivenUpError = reason === 'permanent' ? PermanentFailureError : DeliveryLimitError;
    this.#end(message, { kind: 'give-up', deadLetterExchange }, publisher, (holdingQueue, _retryQueue, left) => {
      // Not given up after all: its copy returns from the holding queue.
      if (left) return { status: 'retrying', settledBy: 'consumer', message, deliveryCount, error, requeue: 'sent', holdingQueue };
      this.report(new GivenUpError(message.delivery, message, deliveryCount, deadLetterExchange !== undefined, { cause: error }));
      return { status: deadLetterExchange !== undefined ? 'dead-lettered' : 'dropped', settledBy: 'consumer', message, deliveryCount, reason, error, holdingQueue };
    });
  }

  #end(message: ReceivedMessage, ending: HeldEnding, publisher: CopyPublisher | undefined, outcome: MakeOutcome<R>): void {
    const holdingQueue = this.holding.heldIn(message)!;
    void this.holding.finish(message, ending, publisher).then(({ left, retryQueue }) => this.emit(outcome(holdingQueue, retryQueue, left)));
  }
}
