/**
 * Finds secrets in captured text, in every form they could take on the way
 * out: as given, percent-encoded (once, twice, lowercase hex), JSON-escaped,
 * and inside base64 or base64url (at each of the three byte alignments, so a
 * secret embedded in a longer encoded value, such as a Hawk `ext`, is found
 * too). A hit names the kind of secret and the form, with context in which
 * every secret is masked, so the report never leaks what it found.
 */

export interface Secret {
  /** What it is, e.g. `pulse password`, `hawk mac`: a hit names it. */
  readonly kind: string;
  readonly value: string;
}

export interface Leak {
  readonly kind: string;
  readonly form: string;
  /** Up to 80 characters around the hit, every secret form masked as `<kind>`. */
  readonly context: string;
}

interface Form {
  readonly kind: string;
  readonly form: string;
  readonly text: string;
}

/** Secrets shorter than this would match by chance (and their base64 core would be too short to mean anything). */
const MIN_SECRET_LENGTH = 8;
const CONTEXT = 40;

/** The forms of one secret worth searching for, each with its name. */
export function formsOf(secret: Secret): Form[] {
  const { kind, value } = secret;
  if (value.length < MIN_SECRET_LENGTH) throw new Error(`secret "${kind}" is shorter than ${MIN_SECRET_LENGTH} characters: a search for it would prove nothing`);
  const once = encodeURIComponent(value);
  const forms: [string, string][] = [
    ['raw', value],
    ['percent-encoded', once],
    ['percent-encoded (lowercase hex)', once.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())],
    ['percent-encoded twice', encodeURIComponent(once)],
    ['URI-encoded', encodeURI(value)],
    ['form-encoded', new URLSearchParams({ x: value }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
    ['JSON-escaped twice', JSON.stringify(JSON.stringify(value)).slice(2, -2)],
  ];
  for (const encoding of ['base64', 'base64url'] as const) {
    for (let offset = 0; offset < 3; offset++) forms.push([`${encoding} (offset ${offset})`, embeddedBase64(value, offset, encoding)]);
  }
  const seen = new Set<string>();
  return forms.filter(([, text]) => !seen.has(text) && seen.add(text)).map(([form, text]) => ({ kind, form, text }));
}

/**
 * The characters that encode `value` whatever surrounds it, when it starts
 * `offset` bytes into a 3-byte group: the characters whose 6 bits all come
 * from `value`.
 */
function embeddedBase64(value: string, offset: number, encoding: 'base64' | 'base64url'): string {
  const bytes = Buffer.from(value, 'utf8');
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(encoding);
  return encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
}

/** Every occurrence of every form of every secret in `text`. */
export function findLeaks(text: string, secrets: readonly Secret[]): Leak[] {
  const forms = secrets.flatMap(formsOf);
  const leaks: Leak[] = [];
  for (const form of forms) {
    for (let at = text.indexOf(form.text); at !== -1; at = text.indexOf(form.text, at + 1)) {
      const around = text.slice(Math.max(0, at - CONTEXT), at + form.text.length + CONTEXT);
      leaks.push({ kind: form.kind, form: form.form, context: mask(around, forms) });
    }
  }
  return leaks;
}

/**
 * `window` with every form of every secret replaced by its kind, longest
 * first, including a form cut off at either edge of the window.
 */
export function mask(window: string, forms: readonly Form[]): string {
  let masked = window;
  const longestFirst = [...forms].sort((a, b) => b.text.length - a.text.length);
  for (const form of longestFirst) masked = masked.split(form.text).join(`<${form.kind}>`);
  for (const form of longestFirst) {
    for (let k = form.text.length - 1; k >= 4; k--) {
      if (masked.startsWith(form.text.slice(-k))) masked = `<…${form.kind}>${masked.slice(k)}`;
      if (masked.endsWith(form.text.slice(0, k))) masked = `${masked.slice(0, -k)}<${form.kind}…>`;
    }
  }
  return masked.replace(/\s+/g, ' ');
}

/** A report of leaks for an assertion message: kind, form and masked context, one line each. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((leak) => `- ${leak.kind} (${leak.form}): …${leak.context}…`).join('\n');
}
