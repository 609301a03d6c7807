import { Queue, createTemporaryCredentials, fromEnv, fromNow } from 'taskcluster-pulse';

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

// Credentials that change (rotation, renewal): a provider is asked before every
// attempt, so it should cache. This one renews the temporary credentials early.
let renewAt = Date.now() + 50 * 60_000;
let current = temporary;
const renewing = new Queue({
  ...options,
  credentials: () => {
    if (Date.now() > renewAt) {
      current = createTemporaryCredentials({ scopes: ['queue:get-task:*'], expiry: fromNow('1 hour'), credentials: permanent });
      renewAt = Date.now() + 50 * 60_000;
    }
    return current;
  },
});
console.log((await renewing.task(taskId)).metadata.name);
