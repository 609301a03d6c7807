/**
 * `npm run bench:download`: throughput of downloading to a file, in one run,
 *   - object: ours `downloadObject` vs the official client's `download`
 *     (both negotiate with the Object service and verify sha256 + sha512),
 *   - s3:     ours `downloadArtifact` vs the official `downloadArtifact`,
 *   - limit:  raw undici `request()` piped to a file from the same URL (no hashing),
 * all from the same local storage server (the fake deployment, in a child
 * process so it does not share the client's event loop), interleaved in
 * rounds. Then peak RSS of a fresh process downloading the object to a file,
 * against the file size: downloads stream. `BENCH_MB` (default 200) and
 * `BENCH_ROUNDS` (default 3) size the run; only 127.0.0.1 is used.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  const contenders: Record<string, () => Promise<unknown>> = {
    'object  ours': () => downloadObject({ object, name: OBJECT, to: { file: file('ours-object') } }),
    'object  official': () =>
      official.download({ name: OBJECT, object: new official.Object({ rootUrl: deployment.rootUrl, credentials }), streamFactory: async () => createWriteStream(file('official-object')) }),
    's3      ours': () => downloadArtifact({ queue, taskId: deployment.taskId, name: ARTIFACT, to: { file: file('ours-s3') } }),
    's3      official': () =>
      official.downloadArtifact({
        taskId: deployment.taskId,
        name: ARTIFACT,
        queue: new official.Queue({ rootUrl: deployment.rootUrl, credentials }),
        streamFactory: async () => createWriteStream(file('official-s3')),
      }),
    'limit   raw undici': async () => {
      const response = await request(storageUrl);
      await pipeline(response.body, createWriteStream(file('raw')));
    },
  };
  const best: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const start = performance.now();
      await run();
      const seconds = (performance.now() - start) / 1000;
      best[name] = Math.max(best[name] ?? 0, MB / seconds);
    }
  }
  const size = (await stat(file('ours-object'))).size;
  if (size !== MB * 1024 * 1024) throw new Error(`downloaded ${size} bytes, expected ${MB} MiB`);

  const measurer = fork(self, ['rss', JSON.stringify(deployment), file('rss')], { execArgv: ['--import', 'tsx'] });
  const [rss] = (await once(measurer, 'message')) as [{ before: number; after: number }];

  console.log(`Download of ${MB} MiB to a file, best of ${ROUNDS} rounds (MiB/s):`);
  for (const [name, rate] of Object.entries(best)) console.log(`  ${name.padEnd(20)} ${rate.toFixed(0).padStart(6)}`);
  const ratio = (a: string, b: string) => (best[a]! / best[b]!).toFixed(2);
  console.log(`  ours / official: object ${ratio('object  ours', 'object  official')}x, s3 ${ratio('s3      ours', 's3      official')}x`);
  console.log(`  ours / raw undici: object (hashing) ${ratio('object  ours', 'limit   raw undici')}x, s3 ${ratio('s3      ours', 'limit   raw undici')}x`);
  const toMb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(`Peak RSS of a fresh process downloading ${MB} MiB to a file: ${toMb(rss.after)} MiB (${toMb(rss.before)} MiB before the download; +${toMb(rss.after - rss.before)} MiB for ${MB} MiB of file)`);
  server.kill();
  await rm(directory, { recursive: true, force: true });
}

const [mode, deploymentText, target] = process.argv.slice(2);
if (mode === 'serve') await serve();
else if (mode === 'rss') await measureRss(JSON.parse(deploymentText!) as Deployment, target!).then(() => process.exit(0));
else await main();
