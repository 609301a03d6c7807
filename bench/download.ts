/**
 * `npm run bench:download`: throughput of downloading to a file, in one run,
 *   - object: ours `downloadObject` vs the official client's `download`
 *     (both negotiate with the Object service and verify the bytes: ours by
 *     sha256, which the service recorded; the official client computes
 *     sha256 and sha512),
 *   - s3:     ours `downloadArtifact` vs the official `downloadArtifact`,
 *   - limit:  raw undici `request()` piped to a file from the same URL, without
 *     hashing and through the same hashes (sha256; sha256 + sha512),
 * all from the same local storage server (the fake deployment, in a child
 * process so it does not share the client's event loop), interleaved in
 * rounds. Then peak RSS of a fresh process downloading the object to a file,
 * against the file size: downloads stream. `BENCH_MB` (default 200) and
 * `BENCH_ROUNDS` (default 3) size the run; only 127.0.0.1 is used. Best and
 * median rates are printed, and each contender's CPU time, which a loaded
 * machine disturbs less than its rate.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { downloadArtifact, downloadObject, ObjectService, Queue, slugid } from '../src/index.js';
import { startFakeTaskcluster } from '../src/testing/index.js';

const MB = Number(process.env.BENCH_MB ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OBJECT = 'bench/object.bin';
const ARTIFACT = 'public/bench.bin';

interface Deployment {
  readonly rootUrl: string;
  readonly credentials: { clientId: string; accessToken: string };
  readonly taskId: string;
}

/** The child: a fake deployment holding an object and an s3 artifact of MB megabytes. */
async function serve(): Promise<void> {
  const fake = await startFakeTaskcluster();
  const content = Buffer.alloc(MB * 1024 * 1024);
  for (let i = 0; i < content.length; i += 4096) content.writeUInt32LE(i, i);
  fake.objects.addObject(OBJECT, { content, contentType: 'application/octet-stream' });
  const taskId = slugid();
  fake.queue.addTask(taskId);
  fake.queue.resolveTask(taskId, 'completed');
  fake.queue.addArtifact(taskId, ARTIFACT, { content, contentType: 'application/octet-stream' });
  process.send!({ rootUrl: fake.rootUrl, credentials: fake.credentials, taskId } satisfies Deployment);
}

/** A fresh process: downloads the object to a file, prints peak RSS before and after. */
async function measureRss(deployment: Deployment, file: string): Promise<void> {
  const before = process.resourceUsage().maxRSS;
  const object = new ObjectService({ rootUrl: deployment.rootUrl, credentials: deployment.credentials });
  await downloadObject({ object, name: OBJECT, to: { file } });
  process.send!({ before: before * 1024, after: process.resourceUsage().maxRSS * 1024 });
}

interface OfficialDownloads {
  Object: new (options: { rootUrl: string; credentials: Deployment['credentials'] }) => unknown;
  Queue: new (options: { rootUrl: string; credentials: Deployment['credentials'] }) => unknown;
  download(options: { name: string; object: unknown; streamFactory: () => Promise<NodeJS.WritableStream> }): Promise<string>;
  downloadArtifact(options: { taskId: string; name: string; queue: unknown; streamFactory: () => Promise<NodeJS.WritableStream> }): Promise<string>;
}

/** Raw undici to a file, through `algorithms` on the way. */
async function rawHashed(url: string, algorithms: readonly string[], target: string): Promise<void> {
  const response = await request(url);
  const hashes = algorithms.map((algorithm) => createHash(algorithm));
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (const hash of hashes) hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(response.body, hashing, createWriteStream(target));
  for (const hash of hashes) hash.digest();
}

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const server = fork(self, ['serve'], { execArgv: ['--import', 'tsx'], env: { ...process.env } });
  const [deployment] = (await once(server, 'message')) as [Deployment];
  const directory = await mkdtemp(join(tmpdir(), 'bench-download-'));
  const official = (await import('taskcluster-client')).default as unknown as OfficialDownloads;
  const credentials = deployment.credentials;
  const object = new ObjectService({ rootUrl: deployment.rootUrl, credentials });
  const queue = new Queue({ rootUrl: deployment.rootUrl, credentials });
  const file = (name: string) => join(directory, name);
  const started = await object.startDownload(OBJECT, { acceptDownloadMethods: { getUrl: true } });
  const storageUrl = started.url;

  const contenders: Record<string, (target: string) => Promise<unknown>> = {
    'object  ours': (target) => downloadObject({ object, name: OBJECT, to: { file: target } }),
    'object  official': (target) =>
      official.download({ name: OBJECT, object: new official.Object({ rootUrl: deployment.rootUrl, credentials }), streamFactory: async () => createWriteStream(target) }),
    's3      ours': (target) => downloadArtifact({ queue, taskId: deployment.taskId, name: ARTIFACT, to: { file: target } }),
    's3      official': (target) =>
      official.downloadArtifact({
        taskId: deployment.taskId,
        name: ARTIFACT,
        queue: new official.Queue({ rootUrl: deployment.rootUrl, credentials }),
        streamFactory: async () => createWriteStream(target),
      }),
    'limit   raw undici': async (target) => {
      const response = await request(storageUrl);
      await pipeline(response.body, createWriteStream(target));
    },
    // Hashing is work the object path must do and raw does not: raw through the same hash as ours
    // (sha256, which the service recorded), and through both (what the official client computes).
    'limit   raw + sha256': (target) => rawHashed(storageUrl, ['sha256'], target),
    'limit   raw + sha256+512': (target) => rawHashed(storageUrl, ['sha256', 'sha512'], target),
  };
  // BENCH_ONLY=object (a substring of the names) runs some, e.g. under --cpu-prof.
  const only = process.env.BENCH_ONLY;
  const runs: Record<string, { rate: number; cpuMs: number }[]> = {};
  const names = Object.keys(contenders).filter((name) => !only || name.includes(only));
  const target = file('target');
  for (let round = 0; round < ROUNDS; round++) {
    // Each round in another order, and each file deleted at once (its dirty pages never written
    // back): no contender pays for the disk writing another's file.
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      await contenders[name]!(target);
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      (runs[name] ??= []).push({ rate: MB / seconds, cpuMs: (used.user + used.system) / 1000 });
      const size = (await stat(target)).size;
      if (size !== MB * 1024 * 1024) throw new Error(`${name} downloaded ${size} bytes, expected ${MB} MiB`);
      await rm(target);
    }
  }
  const best = (name: string) => Math.max(...runs[name]!.map((r) => r.rate));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

  console.log(`Download of ${MB} MiB to a file, ${ROUNDS} interleaved rounds (load average ${loadavg()[0]!.toFixed(1)} at the end):`);
  console.log(`  ${''.padEnd(24)} ${'best'.padStart(6)} ${'median'.padStart(7)} MiB/s   CPU ms (median, this process)`);
  for (const name of names) {
    const results = runs[name]!;
    const line = `${best(name).toFixed(0).padStart(6)} ${median(results.map((r) => r.rate)).toFixed(0).padStart(7)}         ${median(results.map((r) => r.cpuMs)).toFixed(0).padStart(6)}`;
    console.log(`  ${name.padEnd(24)} ${line}`);
  }
  if (!only) {
    const ratio = (a: string, b: string) => `${(best(a) / best(b)).toFixed(2)}x`;
    console.log(`Ratios of the best runs:`);
    console.log(`  ours / official:         object ${ratio('object  ours', 'object  official')}, s3 ${ratio('s3      ours', 's3      official')}`);
    console.log(`  ours / raw undici:       s3 ${ratio('s3      ours', 'limit   raw undici')}, object ${ratio('object  ours', 'limit   raw undici')} (raw does no hashing)`);
    console.log(`  object ours / raw + the same hash (sha256): ${ratio('object  ours', 'limit   raw + sha256')}; / raw + sha256+512: ${ratio('object  ours', 'limit   raw + sha256+512')}`);

    const measurer = fork(self, ['rss', JSON.stringify(deployment), file('rss')], { execArgv: ['--import', 'tsx'] });
    const [rss] = (await once(measurer, 'message')) as [{ before: number; after: number }];
    const toMb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.log(`Peak RSS of a fresh process downloading ${MB} MiB to a file: ${toMb(rss.after)} MiB (${toMb(rss.before)} MiB before the download; +${toMb(rss.after - rss.before)} MiB for ${MB} MiB of file)`);
  }
  server.kill();
  await rm(directory, { recursive: true, force: true });
}

const [mode, deploymentText, target] = process.argv.slice(2);
if (mode === 'serve') await serve();
else if (mode === 'rss') await measureRss(JSON.parse(deploymentText!) as Deployment, target!).then(() => process.exit(0));
else await main();
