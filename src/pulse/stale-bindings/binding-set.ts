import { createHash } from 'node:crypto';
import type { QueueBindingRow } from './bindings-reader.js';

/** A binding as the queue declares it. */
export interface DeclaredBinding {
  readonly exchange: string;
  readonly routingKeyPattern: string;
}

const keyOf = (exchange: string, pattern: string) => `${exchange}\u0000${pattern}`;

/**
 * The bindings on `queue` that are not declared now: exchange bindings to
 * this queue only (the default exchange's binding, which every queue has,
 * and bindings to other destinations are never touched).
 */
export function staleBindingsOf(rows: readonly QueueBindingRow[], declared: readonly DeclaredBinding[], queue: string): QueueBindingRow[] {
  const wanted = new Set(declared.map((b) => keyOf(b.exchange, b.routingKeyPattern)));
  const seen = new Set<string>();
  return rows.filter((row) => {
    if (row.source === '' || (row.destination_type ?? 'queue') !== 'queue' || (row.destination ?? queue) !== queue) return false;
    const key = `${keyOf(row.source, row.routing_key)}\u0000${JSON.stringify(row.arguments ?? {})}`;
    if (wanted.has(keyOf(row.source, row.routing_key)) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** 12 hex digits naming a binding set: the same set in any order (and with repeats) gives the same name. */
export function bindingSetHash(bindings: readonly DeclaredBinding[]): string {
  const lines = [...new Set(bindings.map((b) => keyOf(b.exchange, b.routingKeyPattern)))].sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12);
}
