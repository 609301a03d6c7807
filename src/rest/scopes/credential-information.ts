/**
 * What a set of credentials is, as the official JS client's
 * `credentialInformation` tells it: the client, permanent or temporary, when
 * it is valid, its scopes (as the auth service expands them), and whether it
 * is active now. A bot can check before it acts.
 */
import { Auth } from '../../generated/clients/auth.js';
import { ApiArgumentError } from '../api-argument-error.js';
import { checkCredentials, type Certificate, type Credentials } from '../options.js';

export interface CredentialInformation {
  /** The client the credentials act as. */
  readonly clientId: string;
  readonly type: 'permanent' | 'temporary';
  /** Within start and expiry, and the client not disabled. */
  readonly active: boolean;
  /** Temporary credentials: when they became valid. */
  readonly start: Date | undefined;
  /** The earlier of the certificate's expiry and the (issuing) client's. */
  readonly expiry: Date | undefined;
  /** The scopes they have, as `auth.currentScopes` answers (roles expanded). */
  readonly scopes: readonly string[];
}

/** Asks the deployment at `rootUrl` about `credentials` (`auth.client` of the issuer, `auth.currentScopes` with them). */
export async function credentialInformation(rootUrl: string, credentials: Credentials): Promise<CredentialInformation> {
  const where = 'credentialInformation';
  checkCredentials(credentials, 'credentials', (field, rule) => {
    throw new ApiArgumentError(where, field, rule);
  });
  const certificate = parseCertificate(credentials.certificate, where);
  const issuer = certificate?.issuer ?? credentials.clientId;
  const [client, current] = await Promise.all([new Auth({ rootUrl }).client(issuer), new Auth({ rootUrl, credentials }).currentScopes()]);
  const start = certificate ? new Date(certificate.start) : undefined;
  const clientExpires = new Date(client.expires);
  const expiry = certificate && certificate.expiry < clientExpires.getTime() ? new Date(certificate.expiry) : clientExpires;
  const now = Date.now();
  const active = !client.disabled && !(start && start.getTime() > now) && !(expiry.getTime() < now);
  return { clientId: credentials.clientId, type: certificate ? 'temporary' : 'permanent', active, start, expiry, scopes: current.scopes };
}

function parseCertificate(certificate: Credentials['certificate'], where: string): Certificate | undefined {
  if (certificate === undefined || certificate === null || certificate === '') return undefined;
  let parsed: unknown = certificate;
  if (typeof certificate === 'string') {
    try {
      parsed = JSON.parse(certificate);
    } catch {
      throw new ApiArgumentError(where, 'credentials.certificate', 'must be the certificate as JSON text');
    }
  }
  const { start, expiry, scopes } = (parsed ?? {}) as Partial<Certificate>;
  if (typeof start !== 'number' || typeof expiry !== 'number' || !Array.isArray(scopes)) {
    throw new ApiArgumentError(where, 'credentials.certificate', 'must have numeric start and expiry and a scopes array');
  }
  return parsed as Certificate;
}
