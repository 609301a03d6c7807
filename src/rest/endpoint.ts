import type { SigningTarget } from './hawk-signer.js';
import type { ResolvedOptions } from './options.js';
import type { ServiceSpec } from './service-spec.js';

/** A server a client's URLs point at, worked out once from its options. */
export interface Site {
  readonly origin: string;
  /** `/api/<service>/<version>`, after any path of the root or proxy URL. */
  readonly basePath: string;
  readonly signingTarget: SigningTarget;
}

/** Where requests go (the root URL, or the proxy), and the root URL that buildUrl and buildSignedUrl answer with. */
export interface Endpoint {
  readonly requests: Site;
  readonly public: Site;
}

/** Where a client of `service` sends requests and what URLs it hands out, from its options. */
export function endpointOf(service: ServiceSpec, options: ResolvedOptions): Endpoint {
  const apiPath = `/api/${service.serviceName}/${service.apiVersion}`;
  const siteOf = (url: URL): Site => ({
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, '') + apiPath,
    signingTarget: { protocol: url.protocol, hostname: url.hostname, port: url.port },
  });
  const root = siteOf(new URL(options.rootUrl));
  return { requests: options.proxyUrl === undefined ? root : siteOf(new URL(options.proxyUrl)), public: root };
}
