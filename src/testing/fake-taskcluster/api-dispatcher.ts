/**
 * Routes authenticated requests under `/api/` to the service fakes by the API
 * references, applies overrides first, records every call, and answers the
 * way Taskcluster services do when there is no such method.
 */
import type { ServerResponse } from 'node:http';
import { errorAnswer, type ApiCall, type FakeAnswer, type RecordedCall, type ServiceFake } from './api-call.js';
import { matchApiRoute } from './api-routes.js';
import { sendJson, type Handler, type VerifiedRequest } from './hawk-server.js';

export interface ApiDispatcherOptions {
  readonly rootUrl: () => string;
  /** Fakes by service name (`queue`). */
  readonly services: Readonly<Record<string, ServiceFake>>;
  /** Answers tried before the services', by `service.method`; undefined falls through. */
  readonly overrides?: ReadonlyMap<string, ServiceFake>;
  /** Every call is appended here with the status it got. */
  readonly calls?: RecordedCall[];
  /** Handles calls no fake answers (not recorded); default: 404 `NotFaked` naming the method. */
  readonly unanswered?: Handler;
}

/** Answers `request` if it is an API call; false for paths that are not (no `/api/<service>/<version>/...` method matches). */
export function dispatchApiCall(options: ApiDispatcherOptions, request: VerifiedRequest, response: ServerResponse): boolean {
  const route = matchApiRoute(request.method, request.path);
  if (!route) return false;
  const service = route.reference.serviceName;
  const method = route.entry.name;
  const call: ApiCall = {
    api: `${service}.${method}`,
    service,
    method,
    params: route.params,
    query: request.query,
    body: request.body,
    auth: request.auth,
    rootUrl: options.rootUrl(),
  };
  const faked = options.overrides?.get(call.api)?.(call) ?? options.services[service]?.(call);
  if (faked === undefined && options.unanswered) {
    void options.unanswered(request, response);
    return true;
  }
  const answer: FakeAnswer =
    faked ??
    errorAnswer(
      call,
      404,
      'NotFaked',
      `${call.api} is not implemented by the fake Taskcluster; answer it with fake.override('${call.api}', (call) => ({ status: 200, body: ... }))`,
    );
  options.calls?.push({ ...call, status: answer.status });
  if (answer.body === undefined) response.writeHead(answer.status, answer.headers).end();
  else sendJson(response, answer.status, answer.body, answer.headers);
  return true;
}

/** The answer for a path no API method has: 404, as a Taskcluster service gives. */
export function unknownRoute(request: VerifiedRequest, response: ServerResponse): void {
  sendJson(response, 404, { code: 'ResourceNotFound', message: `No such API endpoint: ${request.method} ${request.path}` });
}
