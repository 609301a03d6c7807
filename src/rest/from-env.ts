import { ApiArgumentError } from './api-argument-error.js';
import { withMaskedDisplay } from './masked-credentials.js';
import type { ClientOptions } from './options.js';

/**
 * Client options from the standard variables: `TASKCLUSTER_ROOT_URL`,
 * `TASKCLUSTER_CLIENT_ID`, `TASKCLUSTER_ACCESS_TOKEN`, `TASKCLUSTER_CERTIFICATE`.
 * Inside a task with a taskcluster-proxy, `TASKCLUSTER_PROXY_URL` takes the
 * place of the root URL and credentials: requests go through the proxy, which
 * signs them (`TASKCLUSTER_ROOT_URL`, when also set, still serves buildUrl).
 */
export function fromEnv(env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const proxyUrl = value('TASKCLUSTER_PROXY_URL');
  const rootUrl = value('TASKCLUSTER_ROOT_URL');
  if (proxyUrl !== undefined) return { rootUrl: rootUrl ?? proxyUrl, proxyUrl };
  if (rootUrl === undefined) {
    throw new ApiArgumentError('fromEnv', 'TASKCLUSTER_ROOT_URL', 'is not set (nor TASKCLUSTER_PROXY_URL)');
  }
  const clientId = value('TASKCLUSTER_CLIENT_ID');
  const accessToken = value('TASKCLUSTER_ACCESS_TOKEN');
  const certificate = value('TASKCLUSTER_CERTIFICATE');
  if (clientId === undefined && accessToken === undefined) return { rootUrl };
  if (clientId === undefined || accessToken === undefined) {
    const missing = clientId === undefined ? 'TASKCLUSTER_CLIENT_ID' : 'TASKCLUSTER_ACCESS_TOKEN';
    throw new ApiArgumentError('fromEnv', missing, 'is not set, but the other half of the credentials is');
  }
  return { rootUrl, credentials: withMaskedDisplay({ clientId, accessToken, ...(certificate !== undefined && { certificate }) }) };
}
