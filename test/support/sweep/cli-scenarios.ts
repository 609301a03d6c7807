/**
 * The built `tc-pulse` with bad credentials, from flags and from the
 * environment: refused and unreachable brokers for `listen` and `publish`,
 * REST errors that echo the Authorization header for `call`, a rootUrl with
 * credentials. Each run's whole stdout and stderr is evidence.
 */
import { spawn } from 'node:child_process';
import { CLI } from '../cli.js';
import { brokerUrl, CLIENT_ID, type SweepConfig } from './config.js';
import type { Evidence } from './evidence.js';
import type { TemporaryCredentials } from '../../../src/rest/index.js';

interface CliRun {
  readonly label: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Stop it (SIGTERM) once its stderr shows this: for commands that retry forever. */
  readonly stopWhen?: RegExp;
}

const TASK_ID = 'fN1ApJ8dRmCLkJ1GBhoqSw';
const FIELDS = { taskId: TASK_ID, runId: '0', workerGroup: 'wg', workerId: 'w1', provisionerId: 'prov', workerType: 'wt', schedulerId: 'sched', taskGroupId: TASK_ID };
const FIELD_FLAGS = Object.entries(FIELDS).flatMap(([name, value]) => [`--${name}`, value]);

export async function cliScenarios(config: SweepConfig, rootUrl: string, temporary: TemporaryCredentials, evidence: Evidence): Promise<void> {
  const wrong = { password: config.wrongPassword };
  const permanentEnv = { TASKCLUSTER_ROOT_URL: rootUrl, TASKCLUSTER_CLIENT_ID: CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN: config.accessToken };
  const temporaryEnv = { TASKCLUSTER_ROOT_URL: rootUrl, TASKCLUSTER_CLIENT_ID: temporary.clientId, TASKCLUSTER_ACCESS_TOKEN: temporary.accessToken, TASKCLUSTER_CERTIFICATE: temporary.certificate };
  const payload = await template();
  const runs: CliRun[] = [
    { label: 'listen, wrong password in --pulse-url', args: ['listen', 'queue.taskCompleted', '--pulse-url', brokerUrl(config, wrong)], env: {} },
    { label: 'listen, wrong password in PULSE_URL', args: ['listen', 'queue.taskCompleted'], env: { PULSE_URL: brokerUrl(config, { ...wrong, encoded: true }) } },
    {
      label: 'listen, PULSE_PASSWORD to a closed port (retries until stopped)',
      args: ['listen', 'queue.taskCompleted'],
      env: { PULSE_USERNAME: config.user, PULSE_PASSWORD: config.password, PULSE_HOSTNAME: '127.0.0.1', PULSE_VHOST: config.vhost },
      stopWhen: /retry 2 in/,
    },
    { label: 'publish, wrong password in --pulse-url', args: ['publish', 'queue.taskCompleted', '--payload', payload, ...FIELD_FLAGS, '--pulse-url', brokerUrl(config, wrong)], env: {} },
    { label: 'publish, closed port in PULSE_URL', args: ['publish', 'queue.taskCompleted', '--payload', payload, ...FIELD_FLAGS], env: { PULSE_URL: brokerUrl(config, { port: 1 }) } },
    { label: 'call, 401 echo, permanent credentials', args: ['call', 'queue.task', 'unauthorized'], env: permanentEnv },
    { label: 'call, 500 then 401 echo, temporary credentials', args: ['call', 'queue.task', 'flaky-cli'], env: temporaryEnv },
    { label: 'call, --root-url with credentials', args: ['call', 'queue.task', 'any', '--root-url', `https://${CLIENT_ID}:${config.accessToken}@tc.example.com`], env: permanentEnv },
  ];
  const results = await Promise.all(runs.map(run));
  for (const [i, result] of results.entries()) {
    const { label, stopWhen } = runs[i]!;
    // Every run fails (exit 1, or 2 for the rootUrl); the one stopped on purpose must have retried by then.
    if (stopWhen !== undefined) {
      if (!stopWhen.test(result.stderr)) throw new Error(`sweep: tc-pulse ${label} did not get to retrying`);
    } else {
      const expected = label.includes('--root-url') ? 2 : 1;
      if (result.code !== expected) throw new Error(`sweep: tc-pulse ${label} exited ${result.code}, expected ${expected}: ${result.stderr}`);
    }
    evidence.text(`cli: ${label} (exit ${result.code}) stdout`, result.stdout);
    evidence.text(`cli: ${label} stderr`, result.stderr);
  }
}

/** A valid task-completed payload, from the CLI's own template (no broker needed). */
async function template(): Promise<string> {
  const result = await run({ label: 'template', args: ['publish', 'queue.taskCompleted', ...FIELD_FLAGS, '--template'], env: {} });
  if (result.code !== 0) throw new Error(`sweep: tc-pulse publish --template failed: ${result.stderr}`);
  return result.stdout.trim();
}

function run(cli: CliRun): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...cli.args], { env: { PATH: process.env.PATH, ...cli.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
    if (cli.stopWhen?.test(stderr)) child.kill('SIGTERM');
  });
  // A hung command must not hang the sweep.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}
