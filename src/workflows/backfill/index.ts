// Catching up after downtime: messages the queue published, rebuilt from the Queue API.
export {
  backfill,
  BACKFILL_EXCHANGES,
  BACKFILL_QUEUE,
  type BackfilledMessage,
  type BackfilledMessageOf,
  type BackfillExchangeName,
  type DefaultBackfillBinding,
} from './backfill.js';
export type { BackfillOptions, BackfillWindow } from './backfill-options.js';
export { BackfillNotFoundError } from './backfill-error.js';
export { runBackfill, type BackfillOutcome, type RunBackfillOptions } from './run-backfill.js';
export { statusAt, type TaskEvent } from './task-messages.js';
