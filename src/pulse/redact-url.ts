/**
 * A broker URL with its password replaced by `***`, safe for logs and errors.
 * Works on strings that are not valid URLs too (an unencoded `@` in a
 * password), by taking the userinfo up to the last `@` of the authority.
 */
export function redactUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1) return url;
  const authorityStart = schemeEnd + 3;
  const rest = url.slice(authorityStart);
  const pathStart = rest.search(/[/?#]/);
  const authority = pathStart === -1 ? rest : rest.slice(0, pathStart);
  const at = authority.lastIndexOf('@');
  if (at === -1) return url;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon === -1) return url;
  return url.slice(0, authorityStart) + userinfo.slice(0, colon) + ':***' + url.slice(authorityStart + at);
}

/** Replaces every occurrence of a secret in a message, for errors that quote their input. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
}
