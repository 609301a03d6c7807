/**
 * The secret sweep's run (spawned by test/secrets-sweep.test.ts, which
 * captures all it prints): REST, Pulse, publisher and CLI faults with
 * credentials of every kind, each error, event, log record, outcome and
 * object printed every way a bot might print it. Secrets it only learns while
 * running (MACs, the bewit, temporary credentials) go to a file, never to
 * stdout or stderr.
 *
 *   SWEEP_CONFIG='{"user":...}' node --import tsx test/support/secret-sweep-run.ts
 */
import { writeFileSync } from 'node:fs';
import { jsonLineLogger } from '../../src/pulse/index.js';
import { closeConnections } from '../../src/rest/index.js';
import { cliScenarios } from './sweep/cli-scenarios.js';
import type { SweepConfig } from './sweep/config.js';
import { startEchoServer } from './sweep/echo-server.js';
import { Evidence } from './sweep/evidence.js';
import { pulseScenarios } from './sweep/pulse-scenarios.js';
import { fakeDeploymentScenario, restScenarios, restSecrets, temporaryCredentials } from './sweep/rest-scenarios.js';

const RUN_DEADLINE_MS = 100_000;

async function sweep(config: SweepConfig): Promise<void> {
  const evidence = new Evidence();
  const temporary = temporaryCredentials(config);
  let signedUrl = '';
  const server = await startEchoServer(() => ({ accessToken: (authorization) => (certificateIn(authorization) ? temporary.accessToken : config.accessToken), signedUrl }));
  try {
    const made = await restScenarios(config, server, temporary, evidence);
    signedUrl = made.signedUrl;
    // A real header of the client's, as a handler's error might quote it.
    const hawkHeader = server.authorizations.at(-1)!;
    const [, , fakeSecrets] = await Promise.all([
      pulseScenarios(config, { hawkHeader, signedUrl }, evidence),
      cliScenarios(config, server.rootUrl, temporary, evidence),
      fakeDeploymentScenario(evidence),
    ]);
    writeFileSync(config.secretsFile, JSON.stringify([...restSecrets(server, made), ...fakeSecrets]));
    process.stdout.write(`sweep: done, ${evidence.count} records, groups ${evidence.groups.join(', ')}, ${server.authorizations.length} signed requests\n`);
  } finally {
    await server.close();
    await closeConnections();
  }
}

/** Requests with a certificate in their Hawk `ext` were signed with the temporary token. */
function certificateIn(authorization: string): boolean {
  const ext = /\bext="([^"]*)"/.exec(authorization)?.[1];
  return ext !== undefined && Buffer.from(ext, 'base64').toString('utf8').includes('"certificate"');
}

/** Leaks on purpose, once on each stream, so the parent test can show its search finds them. */
function plant(config: SweepConfig): void {
  writeFileSync(config.secretsFile, '[]');
  jsonLineLogger().error({ event: 'planted' }, `connecting to amqp://${config.user}:${config.password}@127.0.0.1`);
  new Evidence().record('planted', new Error(`ext ${Buffer.from(JSON.stringify({ certificate: { accessToken: config.accessToken } })).toString('base64')}`));
}

const config = JSON.parse(process.env.SWEEP_CONFIG ?? 'null') as SweepConfig | null;
if (!config) throw new Error('SWEEP_CONFIG is not set: this script is run by test/secrets-sweep.test.ts');
setTimeout(() => {
  process.stderr.write(`sweep: the run did not finish within ${RUN_DEADLINE_MS} ms\n`);
  process.exit(3);
}, RUN_DEADLINE_MS).unref();
if (config.plant) plant(config);
else {
  sweep(config).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`sweep: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
