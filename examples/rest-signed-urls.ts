import { Queue, fromEnv } from 'taskcluster-pulse';

const queue = new Queue(fromEnv());
const taskId = process.argv[2] ?? 'fN1SbArXTPSVFNUvaOlinQ';

// The URL a call would request (same arguments as the call), without requesting it:
console.log(queue.buildUrl(queue.getLatestArtifact, taskId, 'public/logs/live.log'));

// A URL anyone can GET for 10 minutes: Hawk bewit, GET methods only, default 15 minutes.
const url = queue.buildSignedUrl(queue.getLatestArtifact, taskId, 'public/logs/live.log', { expiration: 600 });
const response = await fetch(url);
console.log(response.status); // 200, without any credentials of its own
