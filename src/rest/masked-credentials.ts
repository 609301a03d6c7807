import type { Certificate, Credentials } from './options.js';
import { displayAs } from './safe-display.js';

/**
 * Gives credentials the library hands out (`fromEnv`, `createTemporaryCredentials`,
 * the fake deployment's) a `toJSON()` and a `util.inspect` form that show
 * `accessToken: '***'` and the certificate without its signature, so that
 * logging them, or an object holding them, leaks nothing. The fields stay as
 * they are: the object works, and spreads into a plain copy, like any
 * credentials object.
 */
export function withMaskedDisplay<C extends Credentials>(credentials: C): C {
  return displayAs(credentials, () => masked(credentials));
}

function masked(credentials: Credentials): Record<string, unknown> {
  const { certificate } = credentials;
  return {
    clientId: credentials.clientId,
    accessToken: '***',
    ...(certificate === undefined ? {} : { certificate: maskedCertificate(certificate) }),
  };
}

function maskedCertificate(certificate: string | Certificate): string | Certificate {
  if (typeof certificate !== 'string') return { ...certificate, signature: '***' };
  try {
    return JSON.stringify({ ...(JSON.parse(certificate) as Certificate), signature: '***' });
  } catch {
    // Not JSON: it cannot be used, and it may be anything.
    return '***';
  }
}
