/**
 * `npm run bench:match`: the cost of topic matching, which runs on every
 * delivery for the routing key and every CC entry.
 *   - common case: the patterns bindings build, against real-looking keys,
 *     the former regex matcher vs the current one, interleaved in rounds;
 *   - worst cases (test/support/topic-worst-cases.ts): the current matcher,
 *     and the former one in a worker thread stopped after BENCH_MATCH_CAP_MS
 *     (default 10000) when it backtracks for longer.
 * Knobs: BENCH_MATCH_ROUNDS (5), BENCH_MATCH_ITERATIONS (200000 per pattern and key).
 */
import { performance } from 'node:perf_hooks';
import { compileTopicPattern, type TopicMatcher } from '../src/bindings/topic-pattern.js';
import { DeadlineExceeded, runWithDeadline } from '../test/support/run-with-deadline.js';
import { TOPIC_WORST_CASES } from '../test/support/topic-worst-cases.js';
import { compileLegacyTopicPattern } from './legacy-topic-regex.js';

const CAP_MS = Number(process.env.BENCH_MATCH_CAP_MS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_MATCH_ROUNDS ?? 5);
const ITERATIONS = Number(process.env.BENCH_MATCH_ITERATIONS ?? 200_000);

const TASK_KEY = 'primary.fN1SbArXTPSVFNUvaOlinQ.0.us-east-1.i-0123456789abcdef0.proj-bench.linux.taskcluster-github.fN1SbArXTPSVFNUvaOlinQ._';
const COMMON_PATTERNS = [
  'primary.fN1SbArXTPSVFNUvaOlinQ.*.*.*.*.*.*.*.#', // taskCompleted({taskId})
  'primary.abc.*.*.*.*.*.*.*.#', // taskCompleted({taskId}), another task
  'primary.*.*.*.*.*.*.*.*.#', // taskCompleted()
  'primary.*.*.*.*.proj-bench.linux.*.*.#', // taskFailed({provisionerId, workerType})
  'route.index.project.#', // a CC route
  'route.#.latest', // a `#` in the middle: the automaton
];
const COMMON_KEYS = [TASK_KEY, 'route.index.project.foo.latest', 'route.tc-treeherder.v2.proj.abc123.42'];

function nsPerMatch(matchers: readonly TopicMatcher[]): number {
  let hits = 0;
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) for (const match of matchers) for (const key of COMMON_KEYS) if (match(key)) hits++;
  const elapsed = performance.now() - started;
  if (hits < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return (elapsed * 1e6) / (ITERATIONS * matchers.length * COMMON_KEYS.length);
}

function commonCase(): void {
  const current = COMMON_PATTERNS.map(compileTopicPattern);
  const legacy = COMMON_PATTERNS.map(compileLegacyTopicPattern);
  for (const pattern of COMMON_PATTERNS) {
    for (const key of COMMON_KEYS) {
      if (compileTopicPattern(pattern)(key) !== compileLegacyTopicPattern(pattern)(key)) throw new Error(`disagree on ${pattern} ${key}`);
    }
  }
  const results = { legacy: [] as number[], current: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    results.legacy.push(nsPerMatch(legacy));
    results.current.push(nsPerMatch(current));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [old, now] = [median(results.legacy), median(results.current)];
  console.log(`common case, ${COMMON_PATTERNS.length} patterns × ${COMMON_KEYS.length} keys, median of ${ROUNDS} rounds:`);
  console.log(`  regex (before) ${old.toFixed(1)} ns/match, current ${now.toFixed(1)} ns/match, current/before ${(now / old).toFixed(2)}`);
}

async function worstCases(): Promise<void> {
  console.log(`worst cases (before: stopped after ${CAP_MS} ms):`);
  for (const { name, pattern, key } of TOPIC_WORST_CASES) {
    const match = compileTopicPattern(pattern);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      match(key);
      times.push(performance.now() - started);
    }
    let before: string;
    try {
      const { ms } = await runWithDeadline(new URL('./legacy-topic-regex.ts', import.meta.url), 'legacyMatch', [pattern, key], CAP_MS);
      before = `${ms.toFixed(1)} ms`;
    } catch (error) {
      if (!(error instanceof DeadlineExceeded)) throw error;
      before = `> ${CAP_MS} ms (stopped)`;
    }
    const best = Math.min(...times);
    console.log(`  ${name}: before ${before}, now ${best < 1 ? `${(best * 1000).toFixed(0)} µs` : `${best.toFixed(1)} ms`}`);
  }
}

commonCase();
await worstCases();
