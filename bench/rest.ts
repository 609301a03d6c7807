/**
 * `npm run bench:rest`: requests per second of `queue.task(id)` against a local
 * keep-alive HTTP server, with 1 and 16 requests in flight, for
 *   - limit: raw undici `Pool.request` + `hawk.client.header` + `body.json()`,
 *   - ours:  taskcluster-pulse `new Queue(...).task(id)`,
 *   - peer:  the official taskcluster-client `new Queue(...).task(id)`,
 * all in one run, interleaved in rounds so drift hits each alike. Prints ratios.
 * (What importing each costs is `npm run bench:import`.)
 *
 * The server runs in a child process (so it does not share the client's event
 * loop), answers a realistic task definition, and verifies the Hawk header of
 * every 16th request with hawk's server side, so a broken signature shows up as
 * a count of refusals. `BENCH_SECONDS` (default 3) is the time per contender
 * and concurrency; only 127.0.0.1 is used.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import hawk from 'hawk';
import { Pool } from 'undici';
import { Queue } from '../src/index.js';

const CREDENTIALS = { clientId: 'bench-client', accessToken: 'bench-access-token-0123456789' };
const TASK_ID = 'fN1SbArXTPSVFNUvaOlinQ';
const VERIFY_EVERY = 16;

const TASK = {
  provisionerId: 'proj-bench',
  workerType: 'linux',
  taskQueueId: 'proj-bench/linux',
  schedulerId: 'taskcluster-github',
  projectId: 'bench',
  taskGroupId: TASK_ID,
  dependencies: [],
  requires: 'all-completed',
  routes: ['index.project.bench.latest', 'checks'],
  priority: 'lowest',
  retries: 5,
  created: '2026-01-01T00:00:00.000Z',
  deadline: '2026-01-02T00:00:00.000Z',
  expires: '2027-01-01T00:00:00.000Z',
  scopes: ['queue:scheduler-id:taskcluster-github'],
  payload: { image: 'ubuntu:24.04', command: ['/bin/bash', '-c', 'npm ci && npm test'], maxRunTime: 3600, env: { CI: 'true' } },
  metadata: { name: 'bench task', description: 'a task of realistic size', owner: 'bench@example.com', source: 'https://example.com/bench' },
  tags: { kind: 'test' },
  extra: {},
};

// ---- the server (child process) ------------------------------------------------

async function runServer(): Promise<void> {
  const body = JSON.stringify(TASK);
  let served = 0;
  let refused = 0;
  const server = createServer((req, res) => {
    served++;
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (served % VERIFY_EVERY !== 0) return answer();
    hawk.server
      .authenticate(req, (async (id: string) => (id === CREDENTIALS.clientId ? { key: CREDENTIALS.accessToken, algorithm: 'sha256', id } : undefined)) as never)
      .then(answer, () => {
        refused++;
        res.writeHead(401).end();
      });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message) => {
    if (message === 'stats') process.send!({ served, refused });
  });
}

// ---- the clients ---------------------------------------------------------------

type Call = () => Promise<unknown>;

function limitCall(rootUrl: string): Call {
  const pool = new Pool(rootUrl);
  const url = `${rootUrl}/api/queue/v1/task/${TASK_ID}`;
  const path = `/api/queue/v1/task/${TASK_ID}`;
  const credentials = { id: CREDENTIALS.clientId, key: CREDENTIALS.accessToken, algorithm: 'sha256' as const };
  return async () => {
    const { header } = hawk.client.header(url, 'GET', { credentials });
    const response = await pool.request({ path, method: 'GET', headers: { authorization: header, accept: 'application/json' } });
    return response.body.json();
  };
}

function oursCall(rootUrl: string): Call {
  const queue = new Queue({ rootUrl, credentials: CREDENTIALS });
  return () => queue.task(TASK_ID);
}

async function peerCall(rootUrl: string): Promise<Call> {
  const { default: taskcluster } = await import('taskcluster-client');
  const queue = new taskcluster.Queue({ rootUrl, credentials: CREDENTIALS });
  return () => queue.task(TASK_ID);
}

async function measure(call: Call, inFlight: number, milliseconds: number): Promise<number> {
  let done = 0;
  const end = performance.now() + milliseconds;
  const worker = async () => {
    while (performance.now() < end) {
      const task = (await call()) as { taskGroupId?: string };
      if (task.taskGroupId !== TASK_ID) throw new Error('wrong answer');
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--server') return runServer();
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const rounds = 3;
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--server'], { execArgv: process.execArgv });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const rootUrl = `http://127.0.0.1:${port}`;
  const contenders: [string, Call][] = [
    ['limit (undici + hawk)', limitCall(rootUrl)],
    ['ours (taskcluster-pulse)', oursCall(rootUrl)],
    ['peer (taskcluster-client)', await peerCall(rootUrl)],
  ];
  console.log(`queue.task(id) against a local keep-alive server; ${seconds} s per contender and concurrency, ${rounds} interleaved rounds`);
  for (const inFlight of [1, 16]) {
    for (const [, call] of contenders) await measure(call, inFlight, 300); // warm-up
    const totals = contenders.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (const [i, [, call]] of contenders.entries()) totals[i]!.push(await measure(call, inFlight, (seconds * 1000) / rounds));
    }
    const rates = totals.map((samples) => samples.reduce((a, b) => a + b, 0) / samples.length);
    const [limit, ours, peer] = rates as [number, number, number];
    console.log(`\n${inFlight} in flight:`);
    contenders.forEach(([name], i) => console.log(`  ${name.padEnd(28)} ${rates[i]!.toFixed(0).padStart(7)} req/s`));
    console.log(`  ours / limit = ${(ours / limit).toFixed(2)}   ours / peer = ${(ours / peer).toFixed(2)}`);
  }
  child.send('stats');
  const [stats] = (await once(child, 'message')) as [{ served: number; refused: number }];
  console.log(`\nserver: ${stats.served} requests, every ${VERIFY_EVERY}th Hawk-verified, ${stats.refused} refused`);
  child.kill();
  process.exit(stats.refused === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
