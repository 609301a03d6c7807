// Bot workflows built on listening and the REST client: following a task
// group, exactly-once effects (deduplication), and catching up after downtime
// (backfill). Each capability lives in its own file or folder here.
export {};
export * from './backfill/index.js';
export * from './dedup/index.js';
export * from './watch-task-group/index.js';
