/**
 * `npm run bench:import`: what importing the package costs, against importing the
 * official `taskcluster-client`, in one run. Every sample is a fresh `node`
 * process that imports one entry point (ours from the built dist: `npm run build`
 * first) and reports
 *   - import time: the `await import()` alone,
 *   - memory: RSS growth, and heap still in use after a full GC, across the import,
 *   - first answer: import plus the first `queue.task(id)` against a local server
 *     (ours loads undici and hawk on that first call, so laziness that merely
 *     moves the cost would show up here).
 * Targets are interleaved, so drift on a shared machine hits each alike; medians of
 * BENCH_REPETITIONS (default 11) processes. Ratios are ours / peer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 11);
const REPO = fileURLToPath(new URL('..', import.meta.url));

interface Sample {
  readonly importMs: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** Null for entry points without a REST client. */
  readonly firstAnswerMs: number | null;
}

interface Target {
  readonly name: string;
  readonly specifier: string;
  /** Whether the entry point has a Queue client to time a first request with. */
  readonly rest: boolean;
}

const PEER: Target = { name: 'taskcluster-client', specifier: 'taskcluster-client', rest: true };
// What any first import() of a file costs (the ESM loader starting up): no entry point can be cheaper.
const EMPTY_MODULE = join(tmpdir(), 'taskcluster-pulse-bench-empty.mjs');
const FLOOR: Target = { name: '(an empty module)', specifier: pathToFileURL(EMPTY_MODULE).href, rest: false };
const TARGETS: readonly Target[] = [
  FLOOR,
  { name: 'taskcluster-pulse', specifier: 'taskcluster-pulse', rest: true },
  PEER,
  // Subpath entry points: a bot that only needs one part pays for that part.
  { name: 'taskcluster-pulse/bindings', specifier: 'taskcluster-pulse/bindings', rest: false },
  { name: 'taskcluster-pulse/rest', specifier: 'taskcluster-pulse/rest', rest: true },
  { name: 'taskcluster-pulse/pulse', specifier: 'taskcluster-pulse/pulse', rest: false },
  { name: 'taskcluster-pulse/testing', specifier: 'taskcluster-pulse/testing', rest: false },
];

/** A fresh node's program: time and memory across the import, then one queue.task. */
function probe(target: Target): string {
  return `
    import { createServer } from 'node:http';
    const server = createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"taskGroupId":"g"}'); });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const rootUrl = 'http://127.0.0.1:' + server.address().port;
    gc();
    const before = process.memoryUsage();
    const t0 = performance.now();
    const module = await import(${JSON.stringify(target.specifier)});
    const importMs = performance.now() - t0;
    const rss = process.memoryUsage().rss;
    gc();
    const heap = process.memoryUsage().heapUsed;
    let firstAnswerMs = null;
    if (${target.rest}) {
      const Queue = module.Queue ?? module.default.Queue;
      await new Queue({ rootUrl, credentials: { clientId: 'c', accessToken: 'a' } }).task('t');
      firstAnswerMs = performance.now() - t0;
    }
    console.log(JSON.stringify({ importMs, firstAnswerMs, rssMb: (rss - before.rss) / 1e6, heapMb: (heap - before.heapUsed) / 1e6 }));
    process.exit(0);
  `;
}

function sample(target: Target): Sample {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', probe(target)], { cwd: REPO, encoding: 'utf8' });
  return JSON.parse(out) as Sample;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function main(): void {
  if (!existsSync(`${REPO}/dist/index.js`)) {
    console.error('no dist/: run `npm run build` first');
    process.exit(1);
  }
  writeFileSync(EMPTY_MODULE, 'export default 1;\n');
  const samples = new Map(TARGETS.map((target) => [target, [] as Sample[]]));
  for (let i = 0; i < REPETITIONS; i++) {
    for (const target of TARGETS) samples.get(target)!.push(sample(target));
  }
  const rows = new Map(
    TARGETS.map((target) => {
      const runs = samples.get(target)!;
      const of = (key: keyof Sample) => median(runs.map((run) => run[key] ?? NaN));
      return [target, { importMs: of('importMs'), rssMb: of('rssMb'), heapMb: of('heapMb'), firstAnswerMs: of('firstAnswerMs') }];
    }),
  );
  const peer = rows.get(PEER)!;
  console.log(`import cost, medians of ${REPETITIONS} fresh processes each (node ${process.version}):`);
  console.log(`  ${'entry point'.padEnd(27)} ${'import'.padStart(9)} ${'rss growth'.padStart(11)} ${'heap kept'.padStart(10)} ${'first answer'.padStart(13)}`);
  for (const [target, row] of rows) {
    const first = Number.isNaN(row.firstAnswerMs) ? '' : `${row.firstAnswerMs.toFixed(0)} ms`;
    console.log(
      `  ${target.name.padEnd(27)} ${`${row.importMs.toFixed(0)} ms`.padStart(9)} ${`${row.rssMb.toFixed(1)} MB`.padStart(11)} ` +
        `${`${row.heapMb.toFixed(1)} MB`.padStart(10)} ${first.padStart(13)}`,
    );
  }
  console.log('\nours / peer (taskcluster-client):');
  for (const [target, row] of rows) {
    if (target === PEER || target === FLOOR) continue;
    const first = target.rest ? `   first answer ${(row.firstAnswerMs / peer.firstAnswerMs).toFixed(2)}` : '';
    console.log(
      `  ${target.name.padEnd(27)} import time ${(row.importMs / peer.importMs).toFixed(2)}   rss ${(row.rssMb / peer.rssMb).toFixed(2)}   ` +
        `heap ${(row.heapMb / peer.heapMb).toFixed(2)}${first}`,
    );
  }
}

main();
