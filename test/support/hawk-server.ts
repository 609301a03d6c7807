/**
 * The Hawk-verifying local server the REST tests use: the test kit's
 * (src/testing/fake-taskcluster), which checks Hawk headers, bewits and
 * temporary credentials independently of the client code under test. This
 * file adds the test-only default handler, `echo`.
 */
import {
  sendJson,
  startHawkServer as startServer,
  type Handler,
  type HawkServer,
} from '../../src/testing/fake-taskcluster/index.js';

export type {
  Authentication,
  Ext,
  Handler,
  HawkServer,
  TemporaryCertificate,
  VerifiedRequest,
} from '../../src/testing/fake-taskcluster/index.js';
export { sendJson };

/** Answers 200 with what it received: `{method, path, query, body, clientId}`. */
export const echo: Handler = (request, response) =>
  sendJson(response, 200, {
    method: request.method,
    path: request.path,
    query: Object.fromEntries(request.query),
    body: request.body,
    clientId: request.auth.scheme === 'none' ? null : request.auth.clientId,
  });

/**
 * Starts the server on 127.0.0.1. `clients` maps permanent clientIds to access
 * tokens. Requests whose authentication fails get 401 and never reach the handler.
 */
export function startHawkServer(clients: Readonly<Record<string, string>>, handler: Handler = echo): Promise<HawkServer> {
  return startServer(clients, handler);
}
