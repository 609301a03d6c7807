/**
 * The bench's knobs, from the environment, checked before any network I/O:
 *   BENCH_MESSAGES         messages per throughput run (30000)
 *   BENCH_ROUNDS           rounds, each running every contender once, in rotating order (5)
 *   BENCH_PREFETCH         prefetch of every contender (100)
 *   BENCH_QUEUE_TYPE       classic | quorum (classic)
 *   BENCH_CONTENDERS       comma-separated names to run (all): ceiling, amqplib, rascal, acm, listen, consume, listen-otel, consume-otel
 *   BENCH_LATENCY_SAMPLES  publish-to-handler round trips per side; 0 skips (2000)
 *   BENCH_MEMORY_MESSAGES  messages streamed through listen() for the heap check; 0 skips (200000)
 *   BENCH_CLIENT           dist | src: our client as built (what users run; the default) or through tsx
 *   BENCH_RABBIT_URL       the broker (amqp://guest:guest@127.0.0.1:5672)
 */
import type { QueueType } from './workload.js';

export interface Knobs {
  readonly messages: number;
  readonly rounds: number;
  readonly prefetch: number;
  readonly queueType: QueueType;
  readonly contenders: readonly string[];
  readonly latencySamples: number;
  readonly memoryMessages: number;
}

export function readKnobs(env: NodeJS.ProcessEnv, known: readonly string[]): Knobs {
  const queueType = env.BENCH_QUEUE_TYPE ?? 'classic';
  if (queueType !== 'classic' && queueType !== 'quorum') throw new Error(`BENCH_QUEUE_TYPE must be "classic" or "quorum", got "${queueType}"`);
  const contenders = env.BENCH_CONTENDERS ? env.BENCH_CONTENDERS.split(',').map((name) => name.trim()) : [...known];
  const unknown = contenders.filter((name) => !known.includes(name));
  if (unknown.length > 0 || contenders.length === 0) throw new Error(`BENCH_CONTENDERS must list some of ${known.join(', ')}; unknown: ${unknown.join(', ')}`);
  return {
    messages: integer(env, 'BENCH_MESSAGES', 30_000, 2),
    rounds: integer(env, 'BENCH_ROUNDS', 5, 1),
    prefetch: integer(env, 'BENCH_PREFETCH', 100, 1, 65_535),
    queueType,
    contenders,
    latencySamples: integer(env, 'BENCH_LATENCY_SAMPLES', 2_000, 0),
    memoryMessages: integer(env, 'BENCH_MEMORY_MESSAGES', 200_000, 0),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}
