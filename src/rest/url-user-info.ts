/**
 * URL user info (`scheme://user:password@host`) masked in free text: the one
 * place that does it. REST errors mask all of it (`https://[redacted]@host`),
 * Pulse's keep the user name (`amqps://user:***@host`).
 *
 * A hand-written password may hold `@ / ? # :` unencoded, so the user info
 * runs to the last `@` before a space, a quote or `<>`. URLs count raw, with
 * JSON-escaped slashes (`:\/\/`) and URL-encoded at any depth (`%3A%2F%2F`,
 * `%253A%252F%252F`, where `%40` is the `@` and `&` also ends the URL).
 *
 * Linear time, whatever the text: no regex here has nested quantifiers, and
 * each stretch of text is searched for its last `@` once, however many `://`
 * it holds.
 */

export interface UserInfoMasking {
  /** What stands for the password, or for the whole user info. */
  readonly mask: string;
  /** Keep the user name, masking only what follows its `:` (`amqps://user:***@host`). */
  readonly keepUserName?: boolean;
}

/** `://`, also as `:\/\/` and URL-encoded once or more. */
const SEPARATOR = String.raw`(?::|%(?:25)*3A)(?:\\*/|%(?:25)*2F){2}`;

/** How one kind of URL (raw, or URL-encoded) is read after its `://`. */
interface Form {
  /** Where the URL ends: nothing after it can be its user info. */
  readonly end: RegExp;
  /** The `@` that ends user info. */
  readonly at: RegExp;
  /** The first of these after `://` tells user info (`:`, or none before the `@`) from a path, query or fragment. */
  readonly delimiter: RegExp;
}

// A raw URL's `%40` or `%2F` is a percent-escape in its user info or path, not a delimiter.
const RAW: Form = { end: /[\s"'<>]/g, at: /@/g, delimiter: /[:/?#]/g };
// An encoded URL (a query parameter's value) may be encoded in part: its raw delimiters count too.
const ENCODED: Form = {
  end: /[\s"'<>&]/g,
  at: /@|%(?:25)*40/gi,
  delimiter: /[:/?#]|%(?:25)*(?:3A|2F|3F|23)/gi,
};

/** A stretch of text up to where URLs of one form end, and its last `@`. */
interface Stretch {
  readonly end: number;
  readonly at: { readonly index: number; readonly text: string } | undefined;
}

/** `text` with the user info of every URL in it masked. */
export function maskUrlUserInfo(text: string, masking: UserInfoMasking): string {
  const separator = new RegExp(SEPARATOR, 'gi');
  // The stretch last read in each form: a later `://` inside it has the same last `@`.
  const read = new Map<Form, Stretch>();
  let out = '';
  let copied = 0;
  for (let found = separator.exec(text); found !== null; found = separator.exec(text)) {
    const start = found.index + found[0].length;
    const form = found[0].includes('%') ? ENCODED : RAW;
    let stretch = read.get(form);
    if (stretch === undefined || start >= stretch.end) read.set(form, (stretch = stretchFrom(text, start, form)));
    const at = stretch.at;
    if (at === undefined || at.index < start) continue;
    const first = firstMatch(form.delimiter, text, start);
    const delimiter = first !== undefined && first.index < at.index ? first : undefined;
    // `host/path/@name`: a `/ ? #` before any `:` is a path's, not user info's (only a password may hold one).
    if (delimiter !== undefined && !isColon(delimiter.text)) continue;
    out += text.slice(copied, start) + masked(text, start, delimiter, at.index, masking) + at.text;
    copied = at.index + at.text.length;
    separator.lastIndex = copied;
  }
  return out + text.slice(copied);
}

/**
 * A single URL given as a value (an option), fit to quote, well-formed or
 * not: all up to its last `@` is user info, as in a malformed URL the
 * password may hold `@`, `/` or spaces, and the scheme may be missing.
 */
export function maskUserInfoOfUrl(url: string, mask: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_match, scheme: string | undefined) => `${scheme ?? ''}${mask}@`);
}

function stretchFrom(text: string, start: number, form: Form): Stretch {
  const end = firstMatch(form.end, text, start)?.index ?? text.length;
  let at: Stretch['at'];
  for (const match of text.slice(start, end).matchAll(form.at)) at = { index: start + match.index, text: match[0] };
  return { end, at };
}

function firstMatch(pattern: RegExp, text: string, from: number): { index: number; text: string } | undefined {
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match === null ? undefined : { index: match.index, text: match[0] };
}

function isColon(delimiter: string): boolean {
  return delimiter === ':' || /3A$/i.test(delimiter);
}

/** The user info from `start` to `end`, masked: all of it, or (keeping the user name) what follows its first `:`. */
function masked(text: string, start: number, colon: { index: number; text: string } | undefined, end: number, masking: UserInfoMasking): string {
  if (!masking.keepUserName) return masking.mask;
  // User info without a `:` is a user name alone: nothing to mask.
  if (colon === undefined) return text.slice(start, end);
  return text.slice(start, colon.index) + colon.text + masking.mask;
}
