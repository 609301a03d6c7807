/**
 * The stable codes a request that got no usable answer fails with, whatever
 * undici or Node called the failure. All of them are retried.
 */
export type NetworkErrorCode =
  /** The connection closed, or was reset, before a complete answer. */
  | 'ECONNRESET'
  /** Nothing listens at the address. */
  | 'ECONNREFUSED'
  /** The connection could not be opened in time. */
  | 'ETIMEDOUT'
  /** No complete answer within the `timeout` option (or undici's own header/body timeouts). */
  | 'ECONNABORTED'
  /** The host name does not resolve. */
  | 'ENOTFOUND'
  /** No route to the host or network. */
  | 'EHOSTUNREACH'
  /** The answer was not HTTP/1.1, or TLS failed (certificate, handshake). */
  | 'EPROTO'
  /** Anything else. */
  | 'ERR_NETWORK';

const CODES: Readonly<Record<string, NetworkErrorCode>> = {
  ECONNRESET: 'ECONNRESET',
  EPIPE: 'ECONNRESET',
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_DESTROYED: 'ECONNRESET',
  ECONNREFUSED: 'ECONNREFUSED',
  ETIMEDOUT: 'ETIMEDOUT',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  ECONNABORTED: 'ECONNABORTED',
  UND_ERR_HEADERS_TIMEOUT: 'ECONNABORTED',
  UND_ERR_BODY_TIMEOUT: 'ECONNABORTED',
  ENOTFOUND: 'ENOTFOUND',
  EAI_AGAIN: 'ENOTFOUND',
  EAI_FAIL: 'ENOTFOUND',
  EAI_NONAME: 'ENOTFOUND',
  EAI_NODATA: 'ENOTFOUND',
  EHOSTUNREACH: 'EHOSTUNREACH',
  EHOSTDOWN: 'EHOSTUNREACH',
  ENETUNREACH: 'EHOSTUNREACH',
  ENETDOWN: 'EHOSTUNREACH',
  EADDRNOTAVAIL: 'EHOSTUNREACH',
  EPROTO: 'EPROTO',
  UND_ERR_HEADERS_OVERFLOW: 'EPROTO',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'EPROTO',
  UND_ERR_INFO: 'EPROTO',
};

/** No answer: the connection failed, was reset, or the attempt timed out. */
export class NetworkError extends Error {
  declare readonly cause: Error | undefined;

  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    options?: { readonly cause: Error },
  ) {
    super(message, options);
  }
}

/** `error` (from undici or Node) under its stable code, the original as `cause`. */
export function networkErrorOf(error: Error): NetworkError {
  const original = (error as { code?: unknown }).code;
  // undici's HTTPParserError does not always have a code.
  const code = error.name === 'HTTPParserError' ? 'EPROTO' : typeof original === 'string' ? codeOf(original) : 'ERR_NETWORK';
  // An HTTP parser error keeps the bytes it could not parse; they may be an
  // echoed Authorization header, and must not reach a log through `cause`.
  if ('data' in error) delete (error as { data?: unknown }).data;
  return new NetworkError(code, error.message, { cause: error });
}

function codeOf(original: string): NetworkErrorCode {
  const code = CODES[original];
  if (code !== undefined) return code;
  // llhttp (HPE_...) and TLS (ERR_TLS_..., ERR_SSL_..., certificate problems) failures.
  return /^(HPE_|ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(original) ? 'EPROTO' : 'ERR_NETWORK';
}
