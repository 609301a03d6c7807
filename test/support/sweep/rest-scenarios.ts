/**
 * REST faults for the secret sweep: a server echoing the Authorization header
 * and the token in 401 and 500 bodies (with retries), a reset connection, a
 * closed port, a repeated continuation token, option errors quoting a
 * rootUrl with credentials; with permanent, temporary and provided
 * credentials. Everything made or thrown goes to the evidence.
 */
import {
  createTemporaryCredentials,
  fromEnv,
  Queue,
  type Credentials,
  type TemporaryCredentials,
} from '../../../src/rest/index.js';
import { startFakeTaskcluster } from '../../../src/testing/index.js';
import { CLIENT_ID, within, type Secret, type SweepConfig } from './config.js';
import type { EchoServer } from './echo-server.js';
import type { Evidence } from './evidence.js';

/** Secrets made during the REST scenarios, and what later scenarios quote. */
export interface RestSecrets {
  readonly temporary: TemporaryCredentials;
  readonly signedUrl: string;
  readonly bewit: string;
}

/** Fast retries: the sweep is about what errors say, not about waiting. */
const FAST = { retries: 2, delayFactor: 1, maxDelay: 10, timeout: 5_000 } as const;

export function temporaryCredentials(config: SweepConfig): TemporaryCredentials {
  return createTemporaryCredentials({
    credentials: { clientId: CLIENT_ID, accessToken: config.accessToken },
    expiry: new Date(Date.now() + 60 * 60 * 1000),
    scopes: ['queue:get-task:*'],
  });
}

export async function restScenarios(config: SweepConfig, server: EchoServer, temporary: TemporaryCredentials, evidence: Evidence): Promise<RestSecrets> {
  const permanent: Credentials = { clientId: CLIENT_ID, accessToken: config.accessToken };
  const queue = new Queue({ rootUrl: server.rootUrl, credentials: permanent, ...FAST });
  const signedUrl = queue.buildSignedUrl(queue.getLatestArtifact, 'task1', 'private/log.txt', { expiration: 600 });
  const bewit = new URL(signedUrl).searchParams.get('bewit')!;
  const clients = {
    permanent: queue,
    temporary: new Queue({ rootUrl: server.rootUrl, credentials: temporary, ...FAST }),
    provider: new Queue({ rootUrl: server.rootUrl, credentials: async () => temporary, ...FAST }),
    scoped: queue.use({ authorizedScopes: ['queue:get-task:task1'] }),
    unreachable: new Queue({ rootUrl: 'http://127.0.0.1:1', credentials: permanent, retries: 1, delayFactor: 1 }),
  };
  for (const [name, client] of Object.entries(clients)) evidence.record(`rest: client ${name}`, client);
  evidence.record('rest: temporary credentials', temporary);
  evidence.record('rest: fromEnv', fromEnv({ TASKCLUSTER_ROOT_URL: server.rootUrl, TASKCLUSTER_CLIENT_ID: temporary.clientId, TASKCLUSTER_ACCESS_TOKEN: temporary.accessToken, TASKCLUSTER_CERTIFICATE: temporary.certificate }));

  const failures: Promise<unknown>[] = [];
  const expectFailure = (label: string, call: () => Promise<unknown>) =>
    failures.push(
      within(call(), 10_000, label).then(
        (value) => {
          throw new Error(`sweep: ${label} succeeded (${JSON.stringify(value)?.slice(0, 100)}); it must fail`);
        },
        (error: unknown) => {
          if (error instanceof Error && error.message.startsWith('sweep:')) throw error;
          evidence.record(`rest: ${label}`, error);
        },
      ),
    );
  for (const [name, client] of Object.entries(clients)) {
    if (name === 'unreachable') continue;
    expectFailure(`401 echo, ${name}`, () => client.task('unauthorized'));
    expectFailure(`500 echo with retries, ${name}`, () => client.task('broken'));
    expectFailure(`500 then 401, ${name}`, () => client.task(`flaky-${name}`));
    expectFailure(`connection reset, ${name}`, () => client.task('reset'));
  }
  expectFailure('closed port', () => clients.unreachable.task('any'));
  expectFailure('repeated continuation token', async () => {
    const seen: unknown[] = [];
    for await (const item of queue.items(queue.listTaskGroup, 'group')) seen.push(item);
    return seen;
  });
  await Promise.all(failures);

  // Option errors quote the rootUrl: one with credentials in it, one signed.
  for (const [label, rootUrl] of [
    ['rootUrl with user info', `https://${CLIENT_ID}:${config.accessToken}@tc.example.com`],
    ['rootUrl without "://", with user info', `https//sweep:${config.accessToken}@tc.example.com`],
    ['rootUrl with a query', `https://tc.example.com/?accessToken=${config.accessToken}`],
    ['rootUrl signed', signedUrl],
    ['proxyUrl with user info', `ftp://sweep:${config.accessToken}@proxy`],
  ] as const) {
    try {
      new Queue(label.startsWith('proxyUrl') ? { rootUrl: server.rootUrl, proxyUrl: rootUrl } : { rootUrl, credentials: permanent });
      throw new Error(`sweep: ${label} was accepted`);
    } catch (error) {
      if ((error as Error).message.startsWith('sweep:')) throw error;
      evidence.record(`rest: option error, ${label}`, error);
    }
  }
  return { temporary, signedUrl, bewit };
}

/**
 * Calls the fake deployment refuses or cannot answer, with its credentials
 * and temporary ones it issued; its handle (which records what it received)
 * is evidence too. Returns the secrets involved.
 */
export async function fakeDeploymentScenario(evidence: Evidence): Promise<Secret[]> {
  const fake = await startFakeTaskcluster();
  try {
    const temporary = createTemporaryCredentials({ credentials: fake.credentials, expiry: new Date(Date.now() + 60 * 60 * 1000), scopes: ['queue:get-task:*'] });
    const queues = { permanent: new Queue({ rootUrl: fake.rootUrl, credentials: fake.credentials }), temporary: new Queue({ rootUrl: fake.rootUrl, credentials: temporary }) };
    const wrongToken = new Queue({ rootUrl: fake.rootUrl, credentials: { clientId: fake.credentials.clientId, accessToken: `${fake.credentials.accessToken}-wrong` } });
    for (const [label, call] of [
      ['unknown task, permanent', () => queues.permanent.task('fN1ApJ8dRmCLkJ1GBhoqSw')],
      ['unknown task, temporary', () => queues.temporary.task('fN1ApJ8dRmCLkJ1GBhoqSw')],
      ['wrong token', () => wrongToken.task('fN1ApJ8dRmCLkJ1GBhoqSw')],
    ] as const) {
      evidence.record(`rest: fake deployment, ${label}`, await within(call().then(() => new Error(`sweep: ${label} succeeded`), (error: unknown) => error), 10_000, label));
    }
    const signed = queues.permanent.buildSignedUrl(queues.permanent.getLatestArtifact, 'fN1ApJ8dRmCLkJ1GBhoqSw', 'public/log.txt');
    await within(fetch(signed).then((response) => response.arrayBuffer()), 10_000, 'a signed URL fetched');
    evidence.record('rest: fake deployment handle', fake);
    const certificate = JSON.parse(temporary.certificate) as { signature: string };
    return [
      { kind: 'fake deployment access token', value: fake.credentials.accessToken },
      { kind: 'fake deployment temporary access token', value: temporary.accessToken },
      { kind: 'fake deployment certificate signature', value: certificate.signature },
      { kind: 'fake deployment bewit', value: new URL(signed).searchParams.get('bewit')! },
      ...fake.requests.flatMap((request) => {
        const mac = /mac="([^"]+)"/.exec(request.headers.authorization ?? '')?.[1];
        return mac === undefined ? [] : [{ kind: 'fake deployment hawk mac', value: mac }];
      }),
    ];
  } finally {
    await fake.close();
  }
}

/** The REST secrets known once the run is over: every MAC the server saw, the bewit, the temporary credentials. */
export function restSecrets(server: EchoServer, made: RestSecrets): Secret[] {
  const certificate = JSON.parse(made.temporary.certificate) as { signature: string };
  return [
    { kind: 'temporary access token', value: made.temporary.accessToken },
    { kind: 'certificate signature', value: certificate.signature },
    { kind: 'bewit', value: made.bewit },
    ...server.authorizations.map((header) => ({ kind: 'hawk mac', value: /mac="([^"]+)"/.exec(header)![1]! })),
  ];
}
