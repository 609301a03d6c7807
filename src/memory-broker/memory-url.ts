/** `memory://` URLs: telling them apart from amqp URLs and reading the broker name from them. */

/** URL scheme of the embedded broker: `memory://` (the default broker) or `memory://<name>`. */
export const MEMORY_SCHEME = 'memory:';

export function isMemoryUrl(url: string | URL): boolean {
  return String(url).toLowerCase().startsWith(MEMORY_SCHEME);
}

/**
 * The broker name in a `memory:` URL: its host part, `''` for `memory://`.
 * Credentials and query parameters are accepted and ignored, so an amqp URL
 * can be switched to the memory broker by changing the scheme alone.
 */
export function memoryBrokerName(url: string | URL): string {
  const text = String(url);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new TypeError(`"${text}" is not a memory broker URL; use memory:// or memory://<name>`);
  }
  if (parsed.protocol !== MEMORY_SCHEME) {
    throw new TypeError(`"${text}" is not a memory broker URL; use memory:// or memory://<name>`);
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    throw new TypeError(`"${text}": a memory broker URL names a broker by its host only (memory://<name>), not by a path`);
  }
  return parsed.hostname;
}
