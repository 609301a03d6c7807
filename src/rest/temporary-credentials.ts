import { createHmac } from 'node:crypto';
import { ApiArgumentError } from './api-argument-error.js';
import { withMaskedDisplay } from './masked-credentials.js';
import { checkCredentials, type Certificate, type Credentials } from './options.js';
import { slugidV4 } from './slugid.js';

export interface TemporaryCredentialsOptions {
  /** When they become valid. Default: now (the auth service allows for clock skew). */
  readonly start?: Date;
  /** When they stop being valid; at most 31 days after `start`. */
  readonly expiry: Date;
  /** Scopes granted; the issuer must hold them. Default none. */
  readonly scopes?: readonly string[];
  /** The issuer: permanent credentials (temporary ones cannot issue). */
  readonly credentials: Credentials;
  /** Name for named temporary credentials (the issuer needs `auth:create-client:<name>`). */
  readonly clientId?: string;
}

export interface TemporaryCredentials {
  readonly clientId: string;
  readonly accessToken: string;
  /** The certificate as JSON text, as the auth service and `TASKCLUSTER_CERTIFICATE` carry it. */
  readonly certificate: string;
}

const MAX_SPAN_MS = 31 * 24 * 60 * 60 * 1000;

/**
 * Temporary credentials signed by `credentials`, made locally (no request):
 * usable like any credentials, for requests and signed URLs, until `expiry`.
 */
export function createTemporaryCredentials(options: TemporaryCredentialsOptions): TemporaryCredentials {
  const fail = (field: string, rule: string): never => {
    throw new ApiArgumentError('createTemporaryCredentials', field, rule);
  };
  if (typeof options !== 'object' || options === null) return fail('options', 'must be {expiry, credentials, start?, scopes?, clientId?}');
  const issuer = checkCredentials(options.credentials, 'credentials', fail);
  if (issuer.certificate !== undefined && issuer.certificate !== null && issuer.certificate !== '') {
    fail('credentials.certificate', 'temporary credentials cannot issue temporary credentials; use permanent ones');
  }
  const start = options.start ?? new Date();
  const expiry = options.expiry;
  for (const [field, date] of [['start', start], ['expiry', expiry]] as const) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) fail(field, 'must be a valid Date');
  }
  if (expiry.getTime() <= start.getTime()) fail('expiry', 'must be after start');
  if (expiry.getTime() - start.getTime() > MAX_SPAN_MS) fail('expiry', 'credentials cannot span more than 31 days');
  const scopes = options.scopes ?? [];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) fail('scopes', 'must be an array of strings');
  const name = options.clientId;
  if (name !== undefined) {
    if (typeof name !== 'string' || name === '') fail('clientId', 'must be a non-empty string');
    if (name === issuer.clientId) fail('clientId', 'must differ from the issuer credentials.clientId');
  }

  const certificate: { -readonly [K in keyof Certificate]: Certificate[K] } = {
    version: 1,
    scopes: [...scopes],
    start: start.getTime(),
    expiry: expiry.getTime(),
    seed: slugidV4() + slugidV4(),
    signature: '',
  };
  if (name !== undefined) certificate.issuer = issuer.clientId;
  // The lines the auth service signs, joined by \n. (The official JS client
  // writes "scopes:\n" even with no scopes, which the service rejects.)
  const signed = [
    `version:${certificate.version}`,
    ...(name !== undefined ? [`clientId:${name}`, `issuer:${issuer.clientId}`] : []),
    `seed:${certificate.seed}`,
    `start:${certificate.start}`,
    `expiry:${certificate.expiry}`,
    'scopes:',
    ...certificate.scopes,
  ].join('\n');
  certificate.signature = createHmac('sha256', issuer.accessToken).update(signed).digest('base64');
  return withMaskedDisplay({
    clientId: name ?? issuer.clientId,
    accessToken: createHmac('sha256', issuer.accessToken).update(certificate.seed).digest('base64url'),
    certificate: JSON.stringify(certificate),
  });
}
