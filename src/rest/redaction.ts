/**
 * Secrets taken out of text bound for an error message, by structure rather
 * than by exact value: a server or proxy may echo the `Authorization` header
 * raw, JSON-escaped or URL-encoded, and a URL may carry credentials in its
 * user info or query. What is found becomes `[redacted]`.
 */

import { maskUrlUserInfo, maskUserInfoOfUrl } from './url-user-info.js';

export const REDACTED = '[redacted]';

// Hawk header punctuation in each encoding an echo may use: raw, JSON-escaped
// (at any depth), \u-escaped, URL-encoded (once or twice), form-encoded, HTML.
const QUOTE = String.raw`(?:\\*"|\\u0022|%(?:25)*22|&quot;|&#0*34;|&#x0*22;)`;
const EQUALS = String.raw`(?:=|\\u003d|%(?:25)*3D)`;
const SPACE = String.raw`(?:[ \t]|\+|%(?:25)*20)`;
const COMMA = String.raw`(?:,|%(?:25)*2C)`;
/** An attribute value (Hawk allows no quotes in one), up to its closing quote; `\/` as some JSON writers escape `/`. */
const VALUE = String.raw`(?:(?!${QUOTE})[^"\s&])*`;
const ATTRIBUTE = String.raw`[a-z]+${EQUALS}${QUOTE}${VALUE}${QUOTE}`;

/** A whole Hawk header: its MAC, and its `ext` (which carries a certificate and its signature). */
const HAWK_HEADER = new RegExp(String.raw`Hawk${SPACE}+${ATTRIBUTE}(?:${COMMA}${SPACE}*${ATTRIBUTE})*`, 'gi');
/** A lone `mac="..."`, wherever it comes from. */
const MAC_ATTRIBUTE = new RegExp(String.raw`(\bmac${EQUALS}${QUOTE})${VALUE}(${QUOTE})`, 'gi');

/** JSON fields and query parameters that hold credentials or signatures. */
const SECRET_FIELDS = 'accessToken|access_token|authorization|bewit|mac|password|secret|signature|token';
const SECRET_PARAMETERS =
  'bewit|accessToken|access_token|token|sig|signature|password|secret|client_secret|' +
  'X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential';

/** `"accessToken": "..."` in JSON, also JSON inside a JSON string. */
const JSON_FIELD = new RegExp(String.raw`(\\*"(?:${SECRET_FIELDS})\\*"\s*:\s*\\*")[^"\\]*(\\*")`, 'gi');
/** `?bewit=...`, `&X-Amz-Signature=...`, raw or URL-encoded. */
const QUERY_PARAMETER = new RegExp(
  String.raw`((?:[?&;]|%(?:25)*3F|%(?:25)*26)(?:${SECRET_PARAMETERS})(?:=|%(?:25)*3D))(?:(?!%(?:25)*26)[^&#\s"'<>\\])*`,
  'gi',
);

/**
 * `text` without secrets: Hawk headers and MACs in any encoding, secret JSON
 * fields and query parameters, URL user info, and each of `known` (exact values
 * such as the access token, also URL-encoded or JSON-escaped).
 */
export function redactText(text: string, known: readonly string[] = []): string {
  let out = maskUrlUserInfo(redactSignatures(text), { mask: REDACTED });
  for (const secret of known) {
    if (secret === '') continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

/**
 * `text` without Hawk headers and MACs, secret JSON fields and query
 * parameters (bewits, tokens, signatures), in any encoding; URL user info is
 * left to the caller (url-user-info.ts; Pulse errors keep the user name).
 */
export function redactSignatures(text: string): string {
  return text
    .replace(HAWK_HEADER, REDACTED)
    .replace(MAC_ATTRIBUTE, `$1${REDACTED}$2`)
    .replace(JSON_FIELD, `$1${REDACTED}$2`)
    .replace(QUERY_PARAMETER, `$1${REDACTED}`);
}

/** A URL given as an option, fit to quote in an error message, well-formed or not. */
export function redactUrl(url: string): string {
  return redactText(maskUserInfoOfUrl(url, REDACTED));
}
