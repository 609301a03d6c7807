/**
 * Where our client is loaded from. The peers run as the JavaScript they ship,
 * so by default ours does too: the build in dist/ (`npm run bench:listen`
 * builds it first). Loaded from src/ through tsx, every closure gets tsx's
 * name-keeping wrapper, which costs about 1 µs per message in the decoder.
 */
import { existsSync } from 'node:fs';

type PulseModule = typeof import('../../src/pulse/index.js');

export type ClientSource = 'dist' | 'src';

const MODULES: Record<ClientSource, URL> = {
  dist: new URL('../../dist/pulse/index.js', import.meta.url),
  src: new URL('../../src/pulse/index.ts', import.meta.url),
};

export function clientSourceOf(env: NodeJS.ProcessEnv): ClientSource {
  const source = env.BENCH_CLIENT ?? 'dist';
  if (source !== 'dist' && source !== 'src') throw new Error(`BENCH_CLIENT must be "dist" or "src", got "${source}"`);
  if (source === 'dist' && !existsSync(MODULES.dist)) throw new Error('BENCH_CLIENT is "dist" but dist/pulse/index.js is missing: run `npm run build` first, or set BENCH_CLIENT=src');
  return source;
}

let loaded: Promise<PulseModule> | undefined;

/** The client module chosen by BENCH_CLIENT, loaded once. */
export function loadPulse(): Promise<PulseModule> {
  loaded ??= import(MODULES[clientSourceOf(process.env)].href) as Promise<PulseModule>;
  return loaded;
}
