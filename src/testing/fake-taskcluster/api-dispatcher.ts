/**
 * Routes authenticated requests under `/api/` to the service fakes by the API
 * references, applies overrides first, records every call, and answers the
 * way Taskcluster services do when there is no such method.
 */
import type { ServerResponse } from 'node:http';
import { referenceSchemaPath } from '../../references/schema-ids.js';
import type { ApiEntry } from '../../references/types.js';
import type { MessageValidator } from '../message-validator.js';
import { MessageValidationError } from '../publish-errors.js';
import { errorAnswer, type ApiCall, type FakeAnswer, type RecordedCall, type ServiceFake } from './api-call.js';
import { matchApiRoute } from './api-routes.js';
import { withRedactedDisplay } from './redacted-record.js';
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
  /**
   * Checks successful answers (fakes' and overrides') against the method's
   * output schema; one that does not match becomes a 500 naming the path and
   * rule, so a test never feeds a bot an answer no deployment would give.
   */
  readonly validator?: MessageValidator;
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
  const answer: FakeAnswer = faked
    ? checkedAnswer(options.validator, call, route.entry, faked)
    : errorAnswer(
      call,
      404,
      'NotFaked',
      `${call.api} is not implemented by the fake Taskcluster; answer it with fake.override('${call.api}', (call) => ({ status: 200, body: ... }))`,
    );
  options.calls?.push(withRedactedDisplay({ ...call, status: answer.status }));
  if (answer.body === undefined) response.writeHead(answer.status, answer.headers).end();
  else sendJson(response, answer.status, answer.body, answer.headers);
  return true;
}

/** `answer`, or a 500 saying why if it is a success whose body does not match the method's output schema. */
function checkedAnswer(validator: MessageValidator | undefined, call: ApiCall, entry: ApiEntry, answer: FakeAnswer): FakeAnswer {
  if (!validator || entry.output === undefined || answer.status >= 400 || answer.body === undefined) return answer;
  try {
    validator.validate(`fake Taskcluster: the ${answer.status} answer to ${call.api}`, referenceSchemaPath(call.service, entry.output), answer.body);
    return answer;
  } catch (error) {
    if (!(error instanceof MessageValidationError)) throw error;
    return errorAnswer(call, 500, 'InternalServerError', error.message);
  }
}

/** The answer for a path no API method has: 404, as a Taskcluster service gives. */
export function unknownRoute(request: VerifiedRequest, response: ServerResponse): void {
  sendJson(response, 404, { code: 'ResourceNotFound', message: `No such API endpoint: ${request.method} ${request.path}` });
}
