import type { AmqpChannel } from './amqp-api.js';

/** Closes a channel that may already be closed or closing; a refusal (thrown or rejected) is no news. */
export async function closeQuietly(channel: Pick<AmqpChannel, 'close'>): Promise<void> {
  try {
    await channel.close();
  } catch {
    // Already closed: nothing to do.
  }
}
