/**
 * A message `PulsePublisher.publish()` gave up on: the broker did not confirm
 * it within `confirmTimeoutMs` (through reconnections and republishing), or
 * the publisher was closed first. The broker may have it all the same: a
 * confirm may have been lost with the connection.
 */
export class PublishNotConfirmedError extends Error {
  override readonly name = 'PublishNotConfirmedError';

  constructor(
    /** Full exchange name, e.g. `exchange/taskcluster-queue/v1/task-completed`. */
    readonly exchange: string,
    readonly routingKey: string,
    /** `timeout`: `confirmTimeoutMs` passed; `closed`: `close()` did not wait any longer. */
    readonly reason: 'timeout' | 'closed',
    detail: string,
    options?: { readonly cause?: Error },
  ) {
    super(`${exchange} (routing key ${routingKey}): ${detail}${options?.cause ? ` (last: ${options.cause.message})` : ''}; the broker may or may not have it`, options);
  }
}
