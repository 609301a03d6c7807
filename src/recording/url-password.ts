/** The password in a broker URL, decoded, so that messages quoting errors can mask it; undefined when there is none. */
export function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
