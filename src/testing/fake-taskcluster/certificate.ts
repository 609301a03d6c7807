/**
 * Checks a temporary credential's certificate as Taskcluster's auth service
 * does (services/auth/src/signaturevalidator.js), written from the wire rules
 * and not from this package's client, so the client cannot pass by agreeing
 * with itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Certificate } from '../../rest/options.js';

/** A certificate that passed {@link verifyCertificate}. Only the shape is shared with the client; every check here is independent. */
export type TemporaryCertificate = Certificate;

const MINUTE = 60 * 1000;
/** The auth service tolerates this much clock difference on start and expiry. */
const CERTIFICATE_SKEW_MS = 5 * MINUTE;
const MAX_SPAN_MS = 31 * 24 * 60 * MINUTE;

/**
 * Throws, naming the rule, unless `certificate` was signed by `issuerToken`
 * for `clientId` and is valid now.
 */
export function verifyCertificate(clientId: string, certificate: unknown, issuerToken: string, now = Date.now()): asserts certificate is TemporaryCertificate {
  if (typeof certificate !== 'object' || certificate === null || Array.isArray(certificate)) {
    throw new Error('ext.certificate must be a JSON object');
  }
  const cert = certificate as Record<string, unknown>;
  if (cert.version !== 1) throw new Error('ext.certificate.version must be 1');
  if (typeof cert.seed !== 'string' || cert.seed.length !== 44) throw new Error('ext.certificate.seed must be 44 characters');
  if (typeof cert.start !== 'number' || typeof cert.expiry !== 'number') throw new Error('ext.certificate.start/expiry must be numbers');
  if (!Array.isArray(cert.scopes) || !cert.scopes.every((scope) => typeof scope === 'string')) {
    throw new Error('ext.certificate.scopes must be an array of strings');
  }
  if (cert.issuer !== undefined && typeof cert.issuer !== 'string') throw new Error('ext.certificate.issuer must be a string');
  if (cert.start > now + CERTIFICATE_SKEW_MS) throw new Error('ext.certificate.start > now');
  if (cert.expiry < now - CERTIFICATE_SKEW_MS) throw new Error('ext.certificate.expiry < now');
  if (cert.expiry - cert.start > MAX_SPAN_MS) throw new Error('ext.certificate cannot last longer than 31 days!');
  if (cert.issuer === undefined && 'clientId' in cert) throw new Error('ext.certificate.clientId must only be used with ext.certificate.issuer');

  const signedLines = ['version:1'];
  if (cert.issuer !== undefined) signedLines.push(`clientId:${clientId}`, `issuer:${cert.issuer}`);
  signedLines.push(`seed:${cert.seed}`, `start:${cert.start}`, `expiry:${cert.expiry}`, 'scopes:', ...(cert.scopes as string[]));
  const expected = Buffer.from(createHmac('sha256', issuerToken).update(signedLines.join('\n')).digest('base64'));
  const given = Buffer.from(String(cert.signature));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('ext.certificate.signature is not valid');
}

/** The access token temporary credentials sign with: base64url (unpadded) HMAC-SHA256 of the seed by the issuer's token. */
export function temporaryAccessToken(issuerToken: string, seed: string): string {
  return createHmac('sha256', issuerToken).update(seed).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
