import { ApiArgumentError, Queue, TaskclusterError, fromEnv } from 'taskcluster-pulse';

// Retries (5xx, network errors, timeouts; never 4xx) back off exponentially with jitter.
const queue = new Queue({ ...fromEnv(), retries: 3, timeout: 10_000, delayFactor: 200 });

try {
  await queue.task('no-such-task');
} catch (error) {
  if (!(error instanceof TaskclusterError)) throw error;
  // statusCode, code, body, method and url; never the access token or signature.
  console.log(error.statusCode, error.code, error.method, error.attempts); // 404 ResourceNotFound queue.task 1
}

try {
  // A mistake is caught before any request is made:
  await queue.listTaskGroup('group', { limt: 10 } as never);
} catch (error) {
  if (!(error instanceof ApiArgumentError)) throw error;
  console.log(error.message); // queue.listTaskGroup (query.limt): is not a query parameter of this method; ...
}

// A copy with other options, e.g. fewer scopes for one piece of work:
const narrow = queue.use({ authorizedScopes: ['queue:get-task:*'] });
console.log(narrow instanceof Queue); // true
