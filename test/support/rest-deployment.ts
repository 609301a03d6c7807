/**
 * The stand-in deployment the REST and listening examples' tests use, made of
 * the test kit's fake Taskcluster parts: references and schemas served from
 * this project's files, and the fake queue (without input checks, as these
 * tests send sketchy tasks). Calls it does not fake are echoed.
 */
import { dispatchApiCall, FakeQueue, serveReferenceFiles } from '../../src/testing/fake-taskcluster/index.js';
import { echo, sendJson, type Handler } from './hawk-server.js';

/** Serves references and schemas; everything else goes to `api`. */
export function deployment(api: Handler = echo): Handler {
  return (request, response) => {
    if (!serveReferenceFiles(request, response)) return api(request, response);
  };
}

/** A queue that keeps created tasks in memory; every artifact exists and is a log; other calls are echoed. */
export function fakeQueue(): Handler {
  const queue = new FakeQueue({ validate: false });
  return (request, response) => {
    const artifact = /^\/api\/queue\/v1\/task\/([^/]+)\/artifacts\/(.+)$/.exec(request.path);
    if (artifact) {
      const [taskId, name] = [decodeURIComponent(artifact[1]!), decodeURIComponent(artifact[2]!)];
      return sendJson(response, 200, { type: 'text/plain', name, content: `log of ${taskId}` });
    }
    const api = { rootUrl: () => `http://${request.headers.host}`, services: { queue: queue.answer }, unanswered: echo };
    if (!dispatchApiCall(api, request, response)) echo(request, response);
  };
}
