/**
 * Secrets taken out of text bound for an error message, by structure rather
 * than by exact value: a server or proxy may echo the `Authorization` header
 * raw, JSON-escaped or URL-encoded, and a URL may carry credentials in its
 * user info or query. What is found becomes `[redacted]`.
 *
 * Linear time, whatever the text (an error may quote what an attacker wrote):
 * no pattern reads a stretch of text again from each of its characters
 * (test/redaction-hostile-input.test.ts).
 */

import { maskUrlUserInfo, maskUserInfoOfUrl } from './url-user-info.js';

export const REDACTED = '[redacted]';

/**
 * Any number of `plain` characters (a character class) and `special`
 * sequences, spelled so that a run of plain characters is a single step for
 * the regex engine: a loop that takes one character at a time keeps a
 * backtracking entry for each, which is slow on long text.
 */
function runOf(plain: string, special: string): string {
  return `${plain}*(?:${special}${plain}*)*`;
}

// Hawk header punctuation in each encoding an echo may use: raw, JSON-escaped
// (at any depth), \u-escaped, URL-encoded (once or twice), form-encoded, HTML.
const QUOTE = String.raw`(?:\\*"|\\u0022|%(?:25)*22|&quot;|&#0*34;|&#x0*22;)`;
const EQUALS = String.raw`(?:=|\\u003d|%(?:25)*3D)`;
const SPACE = String.raw`(?:[ \t+]|%(?:25)*20)`;
const SPACES = runOf(String.raw`[ \t+]`, String.raw`%(?:25)*20`);
const COMMA = String.raw`(?:,|%(?:25)*2C)`;
/**
 * An attribute value (Hawk allows no quotes in one), up to its closing QUOTE;
 * `\/` as some JSON writers escape `/`. Spelled out rather than "no QUOTE
 * here" at each character, which would rescan a run of backslashes from each
 * of them (quadratic time): a run is taken whole, and what follows it decides.
 */
const VALUE = runOf(
  String.raw`[^"\s&\\%]`, // nothing a QUOTE starts with (`"` and `&` end the value anyway)
  `(?:${[
    String.raw`%(?!(?:25)*22)`, // a `%` that starts no URL-encoded quote
    String.raw`\\+(?![\\"]|u0022)`, // a run of backslashes that no quote follows
    String.raw`\\+(?=\\u0022)`, // a run before `\u0022`, but for the backslash that starts it
  ].join('|')})`,
);
const ATTRIBUTE = String.raw`[a-z]+${EQUALS}${QUOTE}${VALUE}${QUOTE}`;

/** A Hawk header, to its first attribute; see redactHawkHeaders for the rest. */
const HAWK_HEADER = new RegExp(String.raw`Hawk${SPACE}${SPACES}${ATTRIBUTE}`, 'gi');
/** A further attribute of a Hawk header, just where the last one ended. */
const NEXT_ATTRIBUTE = new RegExp(String.raw`${COMMA}${SPACES}${ATTRIBUTE}`, 'iy');
/** A lone `mac="..."`, wherever it comes from. */
const MAC_ATTRIBUTE = new RegExp(String.raw`(\bmac${EQUALS}${QUOTE})${VALUE}(${QUOTE})`, 'gi');

/** JSON fields and query parameters that hold credentials or signatures. */
const SECRET_FIELDS = 'accessToken|access_token|authorization|bewit|mac|password|secret|signature|token';
const SECRET_PARAMETERS =
  'bewit|accessToken|access_token|token|sig|signature|password|secret|client_secret|' +
  'X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential';

/**
 * `"accessToken": "..."` in JSON, also JSON inside a JSON string. It starts
 * where a run of backslashes starts only: started inside a long run, it would
 * rescan the rest of the run from each of its backslashes (quadratic time).
 */
const JSON_FIELD = new RegExp(String.raw`((?<!\\)\\*"(?:${SECRET_FIELDS})\\*"\s*:\s*\\*")[^"\\]*(\\*")`, 'gi');
/** `?bewit=...`, `&X-Amz-Signature=...`, raw or URL-encoded. */
const QUERY_PARAMETER = new RegExp(
  String.raw`((?:[?&;]|%(?:25)*3F|%(?:25)*26)(?:${SECRET_PARAMETERS})(?:=|%(?:25)*3D))${runOf(String.raw`[^&#\s"'<>\\%]`, '%(?!(?:25)*26)')}`,
  'gi',
);

/**
 * `text` without secrets: Hawk headers and MACs in any encoding, secret JSON
 * fields and query parameters, URL user info, and each of `known` (exact values
 * such as the access token, also URL-encoded or JSON-escaped).
 */
export function redactText(text: string, known: readonly string[] = []): string {
  return withheldIfUnscannable(text, () => redactTextUnguarded(text, known));
}

function redactTextUnguarded(text: string, known: readonly string[]): string {
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
  return withheldIfUnscannable(text, () => redactSignaturesUnguarded(text));
}

function redactSignaturesUnguarded(text: string): string {
  return redactHawkHeaders(text)
    .replace(MAC_ATTRIBUTE, `$1${REDACTED}$2`)
    .replace(JSON_FIELD, `$1${REDACTED}$2`)
    .replace(QUERY_PARAMETER, `$1${REDACTED}`);
}

/**
 * Whole Hawk headers (their MAC, and their `ext`, which carries a certificate
 * and its signature) replaced, their attributes read one regex call each: one
 * regex repeating over them would keep a backtracking entry per attribute,
 * slow on a long text.
 */
function redactHawkHeaders(text: string): string {
  let out = '';
  let copied = 0;
  HAWK_HEADER.lastIndex = 0;
  for (let found = HAWK_HEADER.exec(text); found !== null; found = HAWK_HEADER.exec(text)) {
    let end = HAWK_HEADER.lastIndex;
    for (NEXT_ATTRIBUTE.lastIndex = end; NEXT_ATTRIBUTE.test(text); ) end = NEXT_ATTRIBUTE.lastIndex;
    out += text.slice(copied, found.index) + REDACTED;
    copied = HAWK_HEADER.lastIndex = end;
  }
  return out + text.slice(copied);
}

/**
 * Runs `redact`; if the text is too large or deep for the regex engine
 * (V8 throws a RangeError on some multi-megabyte inputs), the whole text is
 * withheld: redaction fails closed, and never throws in place of the error
 * whose message it was cleaning.
 */
export function withheldIfUnscannable(text: string, redact: () => string): string {
  try {
    return redact();
  } catch {
    return `${REDACTED} (${text.length} characters withheld: too large to scan for credentials)`;
  }
}

/** A URL given as an option, fit to quote in an error message, well-formed or not. */
export function redactUrl(url: string): string {
  return redactText(maskUserInfoOfUrl(url, REDACTED));
}
