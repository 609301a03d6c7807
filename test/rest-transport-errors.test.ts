import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { Queue, TaskclusterError } from '../src/index.js';
import { networkErrorOf } from '../src/rest/network-error.js';
import { FAST_RETRIES, ISSUER } from './support/rest-fixtures.js';

/** A raw TCP server: `onRequest` gets each connection once the request head has arrived. */
async function rawServer(onRequest: (socket: Socket, head: string) => void): Promise<{ rootUrl: string; server: Server }> {
  const server = createServer((socket) => {
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) onRequest(socket, head);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { rootUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The TaskclusterError `queue.task` rejects with against `rootUrl`, with `retries` retries. */
async function failure(rootUrl: string, retries = 0): Promise<TaskclusterError> {
  const queue = new Queue({ rootUrl, credentials: ISSUER, ...FAST_RETRIES, retries, timeout: 5000 });
  const error = await queue.task('t').then(
    () => assert.fail('the call succeeded'),
    (error: unknown) => error,
  );
  assert.ok(error instanceof TaskclusterError, String(error));
  assert.equal(error.statusCode, undefined);
  return error;
}

describe('transport failures have stable codes, the original as cause', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((server) => server.close()));
  async function start(onRequest: (socket: Socket, head: string) => void): Promise<string> {
    const { rootUrl, server } = await rawServer(onRequest);
    servers.push(server);
    return rootUrl;
  }

  it('a connection closed without an answer is ECONNRESET (undici: UND_ERR_SOCKET), and retried', async () => {
    let connections = 0;
    const rootUrl = await start((socket) => {
      connections++;
      socket.end();
    });
    const error = await failure(rootUrl, 2);
    assert.equal(error.code, 'ECONNRESET');
    assert.equal((error.cause as { code?: string }).code, 'UND_ERR_SOCKET');
    assert.match(error.message, /no response, ECONNRESET, 3 attempts/);
    assert.equal(connections, 3);
  });

  it('a connection reset mid-answer is ECONNRESET', async () => {
    const rootUrl = await start((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":');
      setImmediate(() => socket.resetAndDestroy());
    });
    const error = await failure(rootUrl);
    assert.equal(error.code, 'ECONNRESET');
    assert.ok(error.cause instanceof Error);
  });

  it('an answer that is not HTTP is EPROTO', async () => {
    const rootUrl = await start((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const error = await failure(rootUrl);
    assert.equal(error.code, 'EPROTO');
    assert.equal((error.cause as Error).name, 'HTTPParserError');
  });

  it('nothing listening is ECONNREFUSED', async () => {
    const rootUrl = await start(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const error = await failure(rootUrl);
    assert.equal(error.code, 'ECONNREFUSED');
    assert.equal((error.cause as { code?: string }).code, 'ECONNREFUSED');
  });

  it('a host name that does not resolve is ENOTFOUND', async () => {
    const error = await failure('http://no-such-host.invalid');
    assert.equal(error.code, 'ENOTFOUND');
    assert.match(String((error.cause as { code?: string }).code), /^(ENOTFOUND|EAI_AGAIN)$/);
  });

  it('maps the codes undici and Node use to the documented set', () => {
    const cases: [string | undefined, string][] = [
      ['UND_ERR_SOCKET', 'ECONNRESET'],
      ['EPIPE', 'ECONNRESET'],
      ['UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'],
      ['ETIMEDOUT', 'ETIMEDOUT'],
      ['UND_ERR_HEADERS_TIMEOUT', 'ECONNABORTED'],
      ['UND_ERR_BODY_TIMEOUT', 'ECONNABORTED'],
      ['EAI_AGAIN', 'ENOTFOUND'],
      ['ENETUNREACH', 'EHOSTUNREACH'],
      ['HPE_INVALID_CONSTANT', 'EPROTO'],
      ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'EPROTO'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'EPROTO'],
      ['CERT_HAS_EXPIRED', 'EPROTO'],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'EPROTO'],
      ['UND_ERR_SOMETHING_NEW', 'ERR_NETWORK'],
      [undefined, 'ERR_NETWORK'],
    ];
    for (const [original, expected] of cases) {
      const cause = Object.assign(new Error('boom'), original === undefined ? {} : { code: original });
      const mapped = networkErrorOf(cause);
      assert.equal(mapped.code, expected, String(original));
      assert.equal(mapped.cause, cause);
    }
  });
});
