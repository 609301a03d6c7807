import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Queue } from '../src/index.js';
import { ISSUER, useHawkServer } from './support/rest-fixtures.js';

const { default: official } = await import('taskcluster-client');

/** 2xx answers as a server or a proxy in front of it might send them: [status, content type (none when undefined), body]. */
const ANSWERS: [number, string | undefined, string][] = [
  [200, 'application/json; charset=utf-8', '{"taskId":"t"}'],
  [200, 'application/json', '[1,2]'],
  [200, 'text/plain', 'v1.2.3'],
  [200, 'text/html; charset=utf-8', '<html><body>Sign in to continue</body></html>'],
  [200, 'application/octet-stream', '\u0000\u0001binary'],
  [200, undefined, '{"looks":"like JSON"}'],
  [201, 'text/plain', 'created'],
  [202, 'application/json', ''],
  [204, undefined, ''],
];

describe('2xx answers, compared with the official client', () => {
  const server = useHawkServer();

  for (const [status, contentType, body] of ANSWERS) {
    it(`${status} ${contentType ?? '(no content type)'} ${JSON.stringify(body).slice(0, 30)}: the same value`, async () => {
      server.reset((_request, response) => {
        response.writeHead(status, contentType === undefined ? {} : { 'content-type': contentType });
        response.end(status === 204 ? undefined : body);
      });
      const options = { rootUrl: server.current.rootUrl, credentials: ISSUER };
      const theirs = await new official.Queue(options).task('t');
      const ours = await new Queue({ ...options, retries: 0 }).task('t');
      assert.deepEqual(ours, theirs);
      if (!contentType?.startsWith('application/json') || body === '') assert.equal(ours, undefined);
    });
  }
});
