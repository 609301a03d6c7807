import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ApiArgumentError, createTemporaryCredentials, fetchClients, fromNow, Queue, TaskclusterError } from '../src/index.js';
import { redactText } from '../src/rest/redaction.js';
import { sendJson, type Handler } from './support/hawk-server.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

/** The ways a server or proxy may echo a header value back. */
const ECHOES: Readonly<Record<string, (value: string) => string>> = {
  raw: (value) => value,
  'URL-encoded': encodeURIComponent,
  'URL-encoded twice': (value) => encodeURIComponent(encodeURIComponent(value)),
  'form-encoded': (value) => new URLSearchParams({ h: value }).toString().slice(2),
  'JSON-escaped': (value) => JSON.stringify(value).slice(1, -1),
  'JSON-escaped with \\/': (value) => JSON.stringify(value).slice(1, -1).replaceAll('/', '\\/'),
  'JSON in JSON': (value) => JSON.stringify(JSON.stringify({ authorization: value })).slice(1, -1),
  'HTML-escaped': (value) => value.replaceAll('"', '&quot;'),
};

/** Every form in which `secret` must not appear. */
function formsOf(secret: string): string[] {
  return [secret, encodeURIComponent(secret), encodeURIComponent(encodeURIComponent(secret)), secret.replaceAll('/', '\\/')];
}

/** All a log could show of an error. */
function everything(error: Error): string {
  return [error.message, error.stack, inspect(error, { depth: 10 }), JSON.stringify(error), JSON.stringify((error as { body?: unknown }).body)].join('\n');
}

function assertClean(text: string, secrets: readonly string[], what: string): void {
  for (const secret of secrets) {
    for (const form of formsOf(secret)) assert.ok(!text.includes(form), `${what} shows ${JSON.stringify(form)}:\n${text}`);
  }
}

/** The MAC of a Hawk header. */
function macOf(authorization: string): string {
  return /mac="([^"]+)"/.exec(authorization)![1]!;
}

describe('REST errors never show a secret a server echoes, whatever the encoding', () => {
  const server = useHawkServer();
  const temporary = createTemporaryCredentials({ scopes: ['queue:get-task:*'], expiry: fromNow('1 hour'), credentials: ISSUER });
  const signature = (JSON.parse(temporary.certificate) as { signature: string }).signature;

  for (const [encoding, echo] of Object.entries(ECHOES)) {
    for (const as of ['JSON message', 'text body']) {
      it(`the Authorization header echoed ${encoding}, in a ${as}`, async () => {
        const macs: string[] = [];
        const handler: Handler = (request, response) => {
          const authorization = request.headers.authorization!;
          macs.push(macOf(authorization));
          const said = `you sent ${echo(authorization)}; token=${echo(temporary.accessToken)}`;
          if (as === 'text body') return void response.writeHead(400, { 'content-type': 'text/plain' }).end(said);
          sendJson(response, 400, { code: 'Echo', message: said, requestInfo: { headers: request.headers } });
        };
        server.reset(handler);
        const queue = new Queue({ rootUrl: server.current.rootUrl, credentials: temporary, retries: 0 });
        const error = await queue.task('t').then(
          () => assert.fail('the call succeeded'),
          (error: unknown) => error,
        );
        assert.ok(error instanceof TaskclusterError, String(error));
        assert.equal(error.statusCode, 400);
        assert.equal(macs.length, 1);
        assertClean(everything(error), [macs[0]!, temporary.accessToken, signature, ISSUER.accessToken], `${encoding}, ${as}`);
        assert.match(JSON.stringify(error.body), /you sent .*\[redacted\]/, 'the rest of the answer is kept');
      });
    }
  }

  it('an answer that is not HTTP, holding the echoed header, does not reach the cause', async () => {
    const macs: string[] = [];
    const raw = createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        const authorization = /^authorization: (.*)$/im.exec(chunk.toString('latin1'))![1]!.trim();
        macs.push(macOf(authorization));
        socket.end(`HTTP/1.1 200 OK\r\nbroken header ${authorization}\r\n\r\n`);
      });
      socket.on('error', () => undefined);
    });
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    try {
      const queue = new Queue({ rootUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`, credentials: ISSUER, retries: 0 });
      const error = await queue.task('t').then(
        () => assert.fail('the call succeeded'),
        (error: unknown) => error,
      );
      assert.ok(error instanceof TaskclusterError && error.code === 'EPROTO', String(error));
      assertClean(everything(error), [macs[0]!, ISSUER.accessToken], 'a parser error');
    } finally {
      raw.close();
    }
  });
});

describe('option errors never quote a password or token of a URL', () => {
  const secret = 'tok3n-s3cret';
  const urls = [
    `https://bot:${secret}@tc.example.com:99999`, // malformed: quoted
    `ftp://bot:${secret}@tc.example.com`, // well-formed, wrong scheme: quoted
    `https://bot:${secret}@tc.example.com`, // user info refused
    `https://tc.example.com/?bewit=${secret}`,
    `not a url ${secret}@x`,
    `https://bot:with@at/and space ${secret}@tc.example.com:99999`,
  ];
  for (const url of urls) {
    it(`new Queue({rootUrl: ${JSON.stringify(url.replace(secret, '…'))}}) names the rule, not the secret`, () => {
      for (const options of [{ rootUrl: url }, { rootUrl: 'https://tc.example.com', proxyUrl: url }]) {
        assert.throws(
          () => new Queue(options),
          (error: unknown) => {
            assert.ok(error instanceof ApiArgumentError, String(error));
            assert.match(error.rule, /must /);
            assertClean(everything(error), [secret], 'the option error');
            return true;
          },
        );
      }
    });
  }

  it('fetchClients refuses such a root URL by name, before any request', async () => {
    const requested: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      requested.push(String(input));
      throw new Error(`fetch of ${String(input)}`);
    }) as typeof globalThis.fetch;
    await assert.rejects(fetchClients(`https://bot:${secret}@tc.example.com`, { fetch }), (error: unknown) => {
      assert.ok(error instanceof ApiArgumentError, String(error));
      assert.equal(error.field, 'rootUrl');
      assertClean(everything(error), [secret], 'the fetchClients error');
      return true;
    });
    assert.deepEqual(requested, []);
  });
});

describe('redactText', () => {
  it('keeps what is not secret', () => {
    const text = 'task abc not found; see https://tc.example.com/api/queue/v1/task/abc?limit=5 (continuationToken "x")';
    assert.equal(redactText(text), text);
  });

  it('removes secrets by structure', () => {
    const cases: [string, string][] = [
      ['GET https://user:pw@host/x', 'GET https://[redacted]@host/x'],
      ['https://host/x?limit=1&bewit=abc-def&a=b', 'https://host/x?limit=1&bewit=[redacted]&a=b'],
      ['https%3A%2F%2Fhost%2Fx%3Fbewit%3Dabc%26a%3Db', 'https%3A%2F%2Fhost%2Fx%3Fbewit%3D[redacted]%26a%3Db'],
      ['s3: https://b.s3.amazonaws.com/k?X-Amz-Signature=f00&X-Amz-Credential=AKIA', 's3: https://b.s3.amazonaws.com/k?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]'],
      ['{"clientId":"me","accessToken":"s3cret"}', '{"clientId":"me","accessToken":"[redacted]"}'],
      ['{"certificate":{"seed":"x","signature":"c2ln"}}', '{"certificate":{"seed":"x","signature":"[redacted]"}}'],
      ['mac="YWJj+/="', 'mac="[redacted]"'],
      ['Authorization: Hawk id="me", ts="1", nonce="n", mac="YWJj+/="\nnext line', 'Authorization: [redacted]\nnext line'],
    ];
    for (const [text, expected] of cases) assert.equal(redactText(text), expected, text);
  });

  it('removes the exact values given, also URL-encoded or JSON-escaped', () => {
    assert.equal(redactText('a +/= b %2B%2F%3D c', ['+/=']), 'a [redacted] b [redacted] c');
  });
});
