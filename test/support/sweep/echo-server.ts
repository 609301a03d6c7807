/**
 * A misbehaving local Taskcluster stand-in for the secret sweep: it answers
 * errors that quote the request's `Authorization` header (raw, URL-encoded,
 * JSON-escaped), the access token and a signed URL; resets connections; and
 * repeats a continuation token. It records every Authorization header, so
 * the sweep knows each MAC the client sent.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoServer {
  readonly rootUrl: string;
  /** Every Authorization header received, in order. */
  readonly authorizations: readonly string[];
  close(): Promise<void>;
}

/** What the server quotes besides the header: secrets a confused proxy might know. */
export interface Echoed {
  /** The access token that signed a request (a server knows it from the client id and certificate). */
  accessToken(authorization: string): string;
  readonly signedUrl: string;
}

export async function startEchoServer(echoed: () => Echoed): Promise<EchoServer> {
  const authorizations: string[] = [];
  const attempts = new Map<string, number>();
  const server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    if (authorization) authorizations.push(authorization);
    const path = request.url ?? '/';
    const attempt = (attempts.get(path) ?? 0) + 1;
    attempts.set(path, attempt);
    const known = echoed();
    answer(path, attempt, authorization, { token: known.accessToken(authorization), signedUrl: known.signedUrl }, request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    rootUrl: `http://127.0.0.1:${port}`,
    authorizations,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(path: string, attempt: number, authorization: string, echoed: { token: string; signedUrl: string }, request: IncomingMessage, response: ServerResponse): void {
  const quoted = {
    code: 'AuthenticationFailed',
    message: `Bad mac in ${authorization} (url-encoded: ${encodeURIComponent(authorization)}); token ${echoed.token}; try ${echoed.signedUrl}`,
    requestHeaders: { authorization },
    nested: JSON.stringify({ authorization, accessToken: echoed.token }),
  };
  const task = /^\/api\/queue\/v1\/task\/([^/?]+)$/.exec(path)?.[1];
  if (/^\/api\/queue\/v1\/task-group\/[^/]+\/list/.test(path)) {
    return send(response, 200, 'application/json', JSON.stringify({ taskGroupId: 'group', tasks: [{ status: {}, task: {} }], continuationToken: 'the-same-token' }));
  }
  // `flaky-<name>`: each caller gets its own first attempt.
  switch (task?.split('-', 1)[0]) {
    case 'unauthorized':
      return send(response, 401, 'application/json', JSON.stringify(quoted));
    case 'broken':
      return send(response, 500, 'text/plain', `proxy error; you sent Authorization: ${authorization}\nencoded ${encodeURIComponent(authorization)} token=${encodeURIComponent(echoed.token)} ${echoed.signedUrl}`);
    case 'flaky':
      // 500 once (retried), then refused.
      return attempt === 1 ? send(response, 500, 'text/plain', `busy: ${authorization}`) : send(response, 401, 'application/json', JSON.stringify(quoted));
    case 'reset':
      request.socket.destroy();
      return;
    default:
      return send(response, 404, 'application/json', JSON.stringify({ code: 'ResourceNotFound', message: `no ${path}; ${authorization}` }));
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
