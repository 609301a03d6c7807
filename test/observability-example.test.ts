/**
 * examples/observable-bot.ts runs as a user would run it (its own process,
 * PULSE_URL to the real broker, in a virtual host of this run's own since it
 * binds the real exchange name): its /metrics counts what it consumed, its
 * probes say it is ready, and it stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { QueueEvents, slugid } from '../src/index.js';
import { REPO } from './support/project-references.js';
import { scrape, total } from './support/prometheus.js';
import { eventually, privateVhost, TestPublisher, type PrivateVhost } from './support/rabbit.js';
import { publishCompleted } from './support/rabbit-fixtures.js';

/** A port free a moment ago (the exporter's own server takes a port number, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('examples/observable-bot.ts', () => {
  let vhost: PrivateVhost;
  let publisher: TestPublisher;
  const completed = new QueueEvents().taskCompleted();
  before(async () => {
    vhost = await privateVhost('metrics-health-example');
    publisher = await TestPublisher.open(vhost.url);
    await publisher.exchange(completed.exchange);
  });
  after(async () => {
    await publisher?.disconnect();
    await vhost?.remove();
  });

  test('serves its metrics and probes while consuming, and stops on SIGTERM', async (t) => {
    const [metricsPort, healthPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/observable-bot.ts'], {
      cwd: REPO,
      env: { ...process.env, PULSE_URL: vhost.url, METRICS_PORT: String(metricsPort), HEALTH_PORT: String(healthPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    const stdout: string[] = [];
    const stderr: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    const readyz = `http://127.0.0.1:${healthPort}/readyz`;
    const status = (url: string) => fetch(url, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
    await eventually(async () => (await status(readyz)) === 200, `the bot ready (${stderr.join(' | ')})`, 30_000);
    assert.ok(stderr.some((line) => line.includes(`metrics on http://127.0.0.1:${metricsPort}/metrics, probes on http://127.0.0.1:${healthPort}/healthz`)), stderr.join('\n'));
    const taskId = slugid();
    await publishCompleted(publisher, completed, taskId);
    await eventually(() => stdout.includes(`completed: ${taskId}`), 'the message handled', 20_000);
    const labels = { messaging_destination_name: completed.exchange, messaging_destination_subscription_name: 'queue/guest/observable-bot' };
    await eventually(async () => total(await scrape(`http://127.0.0.1:${metricsPort}/metrics`), 'tc_pulse_consume_outcomes_total', { ...labels, tc_pulse_outcome: 'handled' }) === 1, 'the outcome counted');
    const samples = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(total(samples, 'messaging_client_consumed_messages_total', labels), 1);
    assert.equal(total(samples, 'tc_pulse_connection_up'), 1);

    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr.join('\n'));
  });
});

describe('docs/observability.md code', () => {
  const doc = readFileSync(join(REPO, 'docs/observability.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n\/\/ (examples\/[\w./-]+\.ts)\n([\s\S]*?)```/g)];

  test('has code blocks, each an excerpt of the tested example', () => {
    assert.equal(blocks.length, [...doc.matchAll(/```ts\n/g)].length, 'every block names its example');
    assert.ok(blocks.length >= 3);
    for (const [, file, body] of blocks) assert.ok(readFileSync(join(REPO, file!), 'utf8').includes(body!.trimEnd()), `a block differs from ${file}`);
  });
});
