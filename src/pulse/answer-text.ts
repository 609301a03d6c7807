/** A short description of a callback's bad answer, for error messages. */
export function describeAnswer(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return typeof value === 'symbol' ? value.toString() : String(value);
}
