import { EventEmitter } from 'eventemitter3';

/** One registration in eventemitter3's listener table. */
interface Registration {
  readonly fn: (...args: unknown[]) => unknown;
  readonly context: unknown;
  readonly once: boolean;
}

/**
 * Emits like eventemitter3's `emit` (same order, `once` and `context`
 * semantics), except that a listener that throws neither stops the listeners
 * after it nor unwinds into the emitter: its exception goes to `onFault`.
 *
 * Without this, a user's `consuming` listener that throws looks to the
 * consumer like a failed setup (it retries, leaking channels and consumers),
 * and an `error` listener that throws surfaces in an amqplib callback and ends
 * the process.
 *
 * It reads eventemitter3's listener table (`_events`), the one way to honour
 * `once` listeners without re-registering the user's functions; the shape
 * has been stable since eventemitter3 1.x; another one falls back to its emit.
 */
export function emitIsolated(
  emitter: EventEmitter,
  event: string | symbol,
  args: readonly unknown[],
  onFault: (error: unknown) => void,
): boolean {
  const key = typeof event === 'string' && EventEmitter.prefixed ? `${String(EventEmitter.prefixed)}${event}` : event;
  const table = (emitter as unknown as { _events?: Record<string | symbol, Registration | Registration[] | undefined> })._events;
  const entry = table?.[key];
  if (!entry) return false;
  const registrations = Array.isArray(entry) ? [...entry] : [entry];
  if (!registrations.every(isRegistration)) {
    // An eventemitter3 with another table: its own emit, isolated as a whole.
    try {
      return EventEmitter.prototype.emit.call(emitter, event, ...args);
    } catch (error) {
      onFault(error);
      return true;
    }
  }
  for (const registration of registrations) {
    if (registration.once) emitter.removeListener(event, registration.fn, undefined, true);
    try {
      registration.fn.apply(registration.context, [...args]);
    } catch (error) {
      onFault(error);
    }
  }
  return true;
}

function isRegistration(value: unknown): value is Registration {
  return typeof value === 'object' && value !== null && typeof (value as Registration).fn === 'function';
}
