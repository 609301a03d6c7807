/**
 * A stand-in Taskcluster deployment for tests: a real HTTP server on
 * 127.0.0.1 that checks Hawk signatures, bewits and temporary credentials as
 * the services do, serves the references and schemas, and fakes the queue.
 */
import { randomBytes } from 'node:crypto';
import type { RecordedCall, ServiceFake } from './api-call.js';
import { dispatchApiCall, unknownRoute } from './api-dispatcher.js';
import type { ClientTokens } from './hawk-authentication.js';
import { startHawkServer, type Refusal, type VerifiedRequest } from './hawk-server.js';
import { FakeQueue } from './fake-queue.js';
import { serveReferenceFiles } from './reference-files.js';

export interface FakeTaskclusterOptions {
  /** More permanent clients it accepts: clientId → accessToken. */
  readonly clients?: ClientTokens;
  /** Check createTask requests against the schema, as the real queue does. Default true. */
  readonly validate?: boolean;
}

export interface FakeTaskcluster {
  /** Give it to clients as `rootUrl` (e.g. `TASKCLUSTER_ROOT_URL`). */
  readonly rootUrl: string;
  /** A permanent client it knows (and any given in `clients`). Scopes are not checked. */
  readonly credentials: { readonly clientId: string; readonly accessToken: string };
  /** Every request that passed authentication, in arrival order. */
  readonly requests: readonly VerifiedRequest[];
  /** Requests refused with 401, and why. */
  readonly refusals: readonly Refusal[];
  /** Every API call (`api` is e.g. `queue.task`), with the status it got. */
  readonly calls: readonly RecordedCall[];
  /** The fake queue's tasks: set them up here, check what the bot did to them. */
  readonly queue: FakeQueue;
  /**
   * Answers `service.method` calls with `answer` before the fakes do (for
   * methods not faked, or to make one fail); `answer` returning undefined
   * leaves the call to the fake. Returns a function that removes it.
   */
  override(api: string, answer: ServiceFake): () => void;
  /** Stops the server; open connections are cut. */
  close(): Promise<void>;
}

/** Starts a fake deployment on a free port. */
export async function startFakeTaskcluster(options: FakeTaskclusterOptions = {}): Promise<FakeTaskcluster> {
  const credentials = { clientId: 'fake-taskcluster/tester', accessToken: randomBytes(24).toString('base64url') };
  const queue = new FakeQueue({ validate: options.validate ?? true });
  const overrides = new Map<string, ServiceFake>();
  const calls: RecordedCall[] = [];
  let rootUrl = '';
  const api = { rootUrl: () => rootUrl, services: { queue: queue.answer }, overrides, calls };

  const server = await startHawkServer({ ...options.clients, [credentials.clientId]: credentials.accessToken }, (request, response) => {
    if (dispatchApiCall(api, request, response)) return;
    if (serveReferenceFiles(request, response)) return;
    if (queue.serveStorage(request, response)) return;
    unknownRoute(request, response);
  });
  rootUrl = server.rootUrl;

  return {
    rootUrl,
    credentials,
    requests: server.requests,
    refusals: server.refusals,
    calls,
    queue,
    override(name, answer) {
      if (!/^[\w-]+\.\w+$/.test(name)) throw new TypeError(`override: expected "<service>.<method>", e.g. "queue.task"; got "${name}"`);
      overrides.set(name, answer);
      return () => {
        if (overrides.get(name) === answer) overrides.delete(name);
      };
    },
    close: () => server.close(),
  };
}
