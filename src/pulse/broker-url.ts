/**
 * Reading broker URL text, by the rules `BrokerAddress` documents. Every
 * reading of a broker URL goes through `splitBrokerUrl`.
 */
import { PulseConfigError } from './pulse-errors.js';

/** Query parameters of a broker URL that amqplib reads. */
export type ConnectionParameter = 'heartbeat' | 'frameMax' | 'channelMax' | 'maxFrameSize' | 'locale';

/**
 * A broker URL with its password replaced by `***`, safe for logs and errors.
 * Never throws: a string that is not a valid broker URL gets the same
 * treatment of its userinfo, or is returned as is if it has no `://`.
 */
export function redactUrl(url: string): string {
  const split = splitBrokerUrl(url);
  if (!split || split.password === undefined) return url;
  return `${url.slice(0, url.indexOf('://') + 3)}${split.user}:***${url.slice(url.lastIndexOf('@'))}`;
}

export interface SplitUrl {
  readonly scheme: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host and port, as written. */
  readonly location: string;
  readonly path: string;
  readonly query: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
const PARAMETERS: readonly ConnectionParameter[] = ['heartbeat', 'frameMax', 'channelMax', 'maxFrameSize', 'locale'];

/** The single splitter every reading of a broker URL goes through. */
export function splitBrokerUrl(url: string): SplitUrl | undefined {
  const scheme = SCHEME.exec(url);
  if (!scheme) return undefined;
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : rest.slice(0, at);
  const afterUserinfo = rest.slice(at + 1);
  const fragment = afterUserinfo.indexOf('#');
  const target = fragment === -1 ? afterUserinfo : afterUserinfo.slice(0, fragment);
  const locationEnd = target.search(/[/?]/);
  const location = locationEnd === -1 ? target : target.slice(0, locationEnd);
  const pathAndQuery = target.slice(location.length);
  const queryStart = pathAndQuery.indexOf('?');
  const colon = userinfo?.indexOf(':') ?? -1;
  return {
    scheme: scheme[1]!.toLowerCase(),
    user: userinfo === undefined ? undefined : colon === -1 ? userinfo : userinfo.slice(0, colon),
    password: userinfo === undefined || colon === -1 ? undefined : userinfo.slice(colon + 1),
    location,
    path: queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart),
    query: queryStart === -1 ? '' : pathAndQuery.slice(queryStart + 1),
  };
}

export function hostAndPort(location: string, scheme: string, field: string): { hostname: string; port: number | undefined } {
  const bracketed = /^(\[[^\]]*\])(?::(.*))?$/.exec(location);
  const colon = location.lastIndexOf(':');
  const hostname = bracketed ? bracketed[1]! : colon === -1 ? location : location.slice(0, colon);
  const portText = bracketed ? bracketed[2] : colon === -1 ? undefined : location.slice(colon + 1);
  if (hostname === '' && scheme !== 'memory') throw new PulseConfigError(field, 'has no host: write <scheme>://user:password@host:port/vhost');
  if (portText === undefined || portText === '') return { hostname, port: undefined };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  // The port text is not quoted: in a URL missing its "@", it may be a password.
  if (!(port >= 1 && port <= 65535)) throw new PulseConfigError(field, 'the port after the host must be a number 1-65535');
  return { hostname, port };
}

export function vhostOf(path: string, field: string): string {
  if (path === '' || path === '/') return '/';
  const vhost = decodeLeniently(path.slice(1));
  if (vhost === '') throw new PulseConfigError(field, 'the vhost (the path after the host) is empty');
  return vhost;
}

export function connectionParameters(query: string, field: string): URLSearchParams {
  const parameters = new URLSearchParams(query);
  for (const name of PARAMETERS) {
    const value = parameters.get(name);
    if (value === null || name === 'locale') continue;
    // The value is not quoted: a password pasted into the wrong place must not reach a log.
    if (!/^\d+$/.test(value)) throw new PulseConfigError(field, `the connection parameter ${name} must be an integer >= 0 (got ${value.length} characters that are not digits)`);
  }
  return parameters;
}

export function decodeLeniently(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
