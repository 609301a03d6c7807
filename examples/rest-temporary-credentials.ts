import { Queue, createTemporaryCredentials, fromEnv, fromNow, temporaryCredentialsProvider } from 'taskcluster-pulse';

const options = fromEnv();
const permanent = options.credentials;
if (permanent === undefined || typeof permanent === 'function') throw new Error('set TASKCLUSTER_CLIENT_ID and TASKCLUSTER_ACCESS_TOKEN');

// Made locally, no request: a subset of the issuer's scopes, for up to 31 days.
const temporary = createTemporaryCredentials({
  clientId: 'my-bot/worker-1', // optional: named temporary credentials
  scopes: ['queue:get-task:*'],
  start: new Date(),
  expiry: fromNow('1 hour'),
  credentials: permanent,
});
console.log(temporary.clientId); // my-bot/worker-1

// They work like any credentials: for calls and for signed URLs.
const queue = new Queue({ ...options, credentials: temporary });
const taskId = process.argv[2] ?? 'fN1SbArXTPSVFNUvaOlinQ';
console.log((await queue.task(taskId)).metadata.name);
console.log((await fetch(queue.buildSignedUrl(queue.task, taskId))).status); // 200

// A long-running client: temporary credentials issued from the permanent ones,
// and issued anew at 3/4 of their life, so it never signs with expired ones.
const renewing = new Queue({
  ...options,
  credentials: temporaryCredentialsProvider({
    credentials: permanent,
    clientId: 'my-bot/worker-1',
    scopes: ['queue:get-task:*'],
    lifetimeMs: 60 * 60_000, // default one hour; renewed after 45 minutes (renewAfter 0.75)
  }),
});
console.log((await renewing.task(taskId)).metadata.name);
