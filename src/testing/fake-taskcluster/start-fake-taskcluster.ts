/**
 * A stand-in Taskcluster deployment for tests: a real HTTP server on
 * 127.0.0.1 that checks Hawk signatures, bewits and temporary credentials as
 * the services do, serves the references and schemas, and fakes the queue.
 */
import { randomBytes } from 'node:crypto';
import { withMaskedDisplay } from '../../rest/masked-credentials.js';
import { packageValidator } from '../message-validator.js';
import type { ApiMethodName, ApiOverride } from './api-answers.js';
import type { RecordedCall, ServiceFake } from './api-call.js';
import { dispatchApiCall, unknownRoute } from './api-dispatcher.js';
import { isApiMethod } from './api-routes.js';
import type { ClientTokens } from './hawk-authentication.js';
import { startHawkServer, type Refusal, type VerifiedRequest } from './hawk-server.js';
import { FakeObjectService } from './fake-object-service.js';
import { FakeQueue } from './fake-queue.js';
import { FakeStorage } from './fake-storage.js';
import { serveReferenceFiles } from './reference-files.js';

export interface FakeTaskclusterOptions {
  /** More permanent clients it accepts: clientId → accessToken. */
  readonly clients?: ClientTokens;
  /**
   * Check createTask requests against the schema, as the real queue does, and
   * every successful answer (overrides' too) against the method's output
   * schema (a mismatch is answered 500, naming the path and rule). Default true.
   */
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
  /** The fake object service's objects: add some, check what the bot uploaded. */
  readonly objects: FakeObjectService;
  /**
   * Where artifact and object bytes live (a server of its own, as S3 is):
   * inject faults here (`storage.injectFault('public/build.zip', {status: 503})`)
   * and see every transfer in `storage.requests`.
   */
  readonly storage: FakeStorage;
  /**
   * Answers `service.method` calls with `answer` before the fakes do (for
   * methods not faked, or to make one fail); `answer` returning undefined
   * leaves the call to the fake. A success status (200–399) takes the
   * method's output type as body, an error status (400–599) any body.
   * Returns a function that removes it.
   */
  override<A extends ApiMethodName>(api: A, answer: ApiOverride<A>): () => void;
  /** Stops the server; open connections are cut. */
  close(): Promise<void>;
}

/** Starts a fake deployment on a free port. */
export async function startFakeTaskcluster(options: FakeTaskclusterOptions = {}): Promise<FakeTaskcluster> {
  const credentials = withMaskedDisplay({ clientId: 'fake-taskcluster/tester', accessToken: randomBytes(24).toString('base64url') });
  const storage = new FakeStorage();
  await storage.start();
  const objects = new FakeObjectService(storage);
  const queue = new FakeQueue({ validate: options.validate ?? true, credentials, storage, objects });
  const overrides = new Map<string, ServiceFake>();
  const calls: RecordedCall[] = [];
  let rootUrl = '';
  const validator = options.validate === false ? undefined : packageValidator();
  const api = { rootUrl: () => rootUrl, services: { queue: queue.answer, object: objects.answer }, overrides, calls, validator };

  const server = await startHawkServer({ ...options.clients, [credentials.clientId]: credentials.accessToken }, (request, response) => {
    if (dispatchApiCall(api, request, response)) return;
    if (serveReferenceFiles(request, response)) return;
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
    objects,
    storage,
    override(name, answer) {
      if (typeof name !== 'string' || !/^[\w-]+\.\w+$/.test(name)) throw new TypeError(`override: api must be "<service>.<method>", e.g. "queue.task"; got "${String(name)}"`);
      if (!isApiMethod(name)) throw new TypeError(`override: api must be a method of the API references shipped with this package; there is no ${name}`);
      if (typeof answer !== 'function') throw new TypeError('override: answer must be a function (call) => {status, body?, headers?} | undefined');
      overrides.set(name, answer);
      return () => {
        if (overrides.get(name) === answer) overrides.delete(name);
      };
    },
    close: async () => {
      await Promise.all([server.close(), storage.close()]);
    },
  };
}
