/**
 * What a server-side cancel means for a consumer's queue: deleted from
 * outside (the Pulse guardian deletes queues that grow past its limit, an
 * operator, `x-expires`), or cancelled for another reason with the queue
 * still there.
 */
import { closeQuietly } from './close-quietly.js';
import type { AmqpConnection } from './amqp-api.js';
import type { Deadline } from './deadline.js';
import { ConsumerCancelledError, amqpCode } from './broker-errors.js';

/**
 * The broker deleted a subscription's queue under its consumer (the Pulse
 * guardian does so when a queue grows past its limit). The messages the queue
 * held, and those published until it is declared again, are lost; the
 * subscription re-declares the queue with its bindings and resumes at once.
 * Catch up on what was missed from the REST API (backfill). A
 * `ConsumerCancelledError`, so listeners of that keep working.
 */
export class QueueDeletedError extends ConsumerCancelledError {
  override readonly name = 'QueueDeletedError';

  constructor(queue: string) {
    super(
      queue,
      `the broker cancelled the consumer on ${queue}: queue deleted (by the Pulse guardian when it grows past its limit, or by hand); ` +
        'the messages it held, and any published until it is declared again, are lost; re-declaring it with its bindings and resuming. ' +
        'Catch up from the REST API (backfill); bound the queue (maxLength, overflow) so the guardian leaves it alone',
    );
  }
}

/**
 * Whether `queue` is gone, asked on a channel of its own (a passive declare
 * of a missing queue closes its channel with 404): true, false, or undefined
 * when the connection could not tell by `deadline`.
 */
export async function queueIsGone(connection: AmqpConnection, queue: string, deadline: Deadline): Promise<boolean | undefined> {
  const check = async (): Promise<boolean | undefined> => {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(queue);
      await closeQuietly(channel);
      return false;
    } catch (error) {
      return amqpCode(error) === 404 ? true : undefined;
    }
  };
  return deadline.within(check().catch(() => undefined));
}
