import { createRequire } from 'node:module';
import type * as Hawk from 'hawk';
import type { Pool } from 'undici';

// hawk and undici's Pool take tens of milliseconds to import (undici as a whole,
// 150 ms on this project's machine); a bot that only listens should not pay for
// them. They are loaded synchronously on first use, so no API becomes async.
const require = createRequire(import.meta.url);

let hawk: typeof Hawk | undefined;
let pool: typeof Pool | undefined;

export function loadHawk(): typeof Hawk {
  return (hawk ??= require('hawk') as typeof Hawk);
}

/**
 * undici's Pool class. Only the Pool module is loaded (about a third of the cost
 * of the whole package: no fetch, WebSocket, cache or mocks); the client needs
 * nothing but `dispatch` and `close`. Falls back to the package entry should a
 * later undici 7 move the file.
 */
export function loadPool(): typeof Pool {
  if (pool === undefined) {
    try {
      pool = require('undici/lib/dispatcher/pool.js') as typeof Pool;
    } catch {
      pool = (require('undici') as { Pool: typeof Pool }).Pool;
    }
  }
  return pool;
}
