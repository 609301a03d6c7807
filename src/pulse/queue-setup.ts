import type { Binding } from '../bindings/types.js';
import type { ActiveChannel } from './active-channel.js';
import type { AmqpChannel, AmqpConnection } from './amqp-api.js';
import type { Deadline } from './deadline.js';
import type { QueueDeclaration } from './queue-options.js';
import { RetryPublisher, type RetryRoute } from './retry-queue.js';

/** One named setup operation; a failure says which step it was. */
export type SetupStep = <T>(name: string, operation: () => Promise<T>) => Promise<T>;

/**
 * Declares a consumer's queue and what it needs, in order: the dead-letter
 * exchange and queue, the queue (or only checks it, for an old queue being
 * handed over), and every binding.
 */
export async function declareQueue(channel: AmqpChannel, declaration: QueueDeclaration, queue: string, bindings: ReadonlyArray<Pick<Binding, 'exchange' | 'routingKeyPattern'>>, step: SetupStep): Promise<void> {
  await step('setting prefetch', () => channel.prefetch(declaration.prefetch));
  const { deadLetterExchange, deadLetterQueue } = declaration;
  if (deadLetterExchange) {
    await step('declaring the dead-letter exchange', () => channel.assertExchange(deadLetterExchange, 'topic', { durable: true }));
    if (deadLetterQueue) {
      await step('declaring the dead-letter queue', () => channel.assertQueue(deadLetterQueue, { durable: true }));
      await step('binding the dead-letter queue', () => channel.bindQueue(deadLetterQueue, deadLetterExchange, '#'));
    }
  }
  await step('declaring the queue', () => (declaration.existingOnly ? channel.checkQueue(queue) : channel.assertQueue(queue, declaration.assertOptions)));
  for (const binding of bindings) {
    await step(`binding to ${binding.exchange} with "${binding.routingKeyPattern}"`, () => channel.bindQueue(queue, binding.exchange, binding.routingKeyPattern));
  }
}

/** Declares the queue's retry exchange and queues, and opens the confirm channel retry copies go out on. */
export async function declareRetryRoute(connection: AmqpConnection, channel: AmqpChannel, route: RetryRoute, step: SetupStep): Promise<RetryPublisher> {
  await route.declare(channel, step);
  return step('opening the retry channel', async () => {
    const confirms = await connection.createConfirmChannel();
    // Its errors end only itself: a failed publish falls back to an in-place retry.
    confirms.on('error', () => undefined);
    return new RetryPublisher(confirms, route);
  });
}

/**
 * Lets go of a consuming channel: no new deliveries, those delivered settle
 * (if `waitForSettled`), acks go out, then the close requeues whatever is
 * still unsettled. All by `deadline`; steps still pending then are abandoned.
 */
export async function windDown(
  active: ActiveChannel,
  deadline: Deadline,
  options: { readonly stopTaking?: () => void; readonly waitForSettled: boolean; readonly deleteQueue: boolean },
): Promise<void> {
  await bestEffort(() => active.channel.cancel(active.consumerTag), deadline);
  options.stopTaking?.();
  if (options.waitForSettled) await deadline.within(active.idle());
  active.flushAcks();
  if (options.deleteQueue) await bestEffort(() => active.channel.deleteQueue(active.queue), deadline);
  active.end({ kind: 'closed' });
  await bestEffort(() => active.channel.close(), deadline);
}

/** A channel operation that fails harmlessly if the channel is already gone, given up at `deadline`. */
export function bestEffort(operation: () => Promise<unknown>, deadline: Deadline): Promise<unknown> {
  return deadline.within(Promise.resolve().then(operation).catch(() => undefined));
}
