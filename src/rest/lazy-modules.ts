import { createRequire } from 'node:module';
import type * as Hawk from 'hawk';
import type * as Undici from 'undici';

// hawk and undici take roughly 50 ms and 150 ms to import (measured on this
// project's machine); a bot that only listens should not pay for them. They are
// loaded synchronously on first use, so no API becomes async because of it.
const require = createRequire(import.meta.url);

let hawk: typeof Hawk | undefined;
let undici: typeof Undici | undefined;

export function loadHawk(): typeof Hawk {
  return (hawk ??= require('hawk') as typeof Hawk);
}

export function loadUndici(): typeof Undici {
  return (undici ??= require('undici') as typeof Undici);
}
