// Exactly-once effects on at-least-once delivery: a consume() handler wrapper and its stores.
export { deduplicate, type Deduplicated, type DeduplicateOptions } from './deduplicate.js';
export { DedupInProgressError, DedupStoreError, type DedupStoreOperation } from './dedup-errors.js';
export { eventKey, type KeyedEvent } from './event-key.js';
export { MemoryDedupStore, type MemoryDedupStoreOptions } from './memory-store.js';
export { RedisDedupStore, type RedisDedupStoreOptions, type RedisEvalClient } from './redis-store.js';
export type { ClaimResult, DedupStore } from './store.js';
