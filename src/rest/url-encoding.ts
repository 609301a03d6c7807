/**
 * A route argument or query key/value as it goes into a URL: every character
 * but the RFC 3986 unreserved ones (`A-Z a-z 0-9 - . _ ~`) percent-encoded as
 * UTF-8. `encodeURIComponent` leaves `! ' ( ) *` as they are, which URL parsers
 * do not all agree on (the legacy `url.parse` escapes `'`, WHATWG URL escapes
 * `'` in a query): encoded, the URL is the same bytes for every parser, so
 * what is signed is what is sent, and what the server checks.
 */
export function encodeUrlComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Why `value` cannot go into a URL, or `undefined` when it can. */
export function unencodableReason(value: string): string | undefined {
  // A lone surrogate has no UTF-8 form (encodeURIComponent throws a URIError).
  return /\p{Surrogate}/u.test(value) ? 'must be well-formed Unicode (it holds a lone surrogate)' : undefined;
}
