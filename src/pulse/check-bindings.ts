import type { Binding } from '../bindings/types.js';
import { PulseConfigError } from './client-options.js';
import type { Bindings } from './pulse-message.js';

/** The bindings as a list, checked before any network I/O. */
export function checkBindings(bindings: Bindings): readonly Binding[] {
  const list: readonly unknown[] = Array.isArray(bindings) ? bindings : [bindings];
  if (list.length === 0) throw new PulseConfigError('bindings', 'must hold at least one binding, e.g. queueEvents.taskCompleted()');
  list.forEach((binding, i) => {
    const b = binding as Partial<Binding> | null;
    const field = `bindings[${i}]`;
    if (typeof b !== 'object' || b === null) throw new PulseConfigError(field, 'must be a binding from an events class, e.g. queueEvents.taskCompleted({taskId})');
    if (typeof b.exchange !== 'string' || b.exchange === '') throw new PulseConfigError(`${field}.exchange`, 'must be a non-empty string');
    if (typeof b.routingKeyPattern !== 'string' || b.routingKeyPattern === '') throw new PulseConfigError(`${field}.routingKeyPattern`, 'must be a non-empty string');
    if (!Array.isArray(b.routingKeyReference)) throw new PulseConfigError(`${field}.routingKeyReference`, "must be the exchange's routing-key entries (use a generated binding)");
  });
  return list as readonly Binding[];
}
