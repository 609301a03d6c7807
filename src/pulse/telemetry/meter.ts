import { createNoopMeter, metrics, type Meter, type MeterProvider } from '@opentelemetry/api';

/** The instrumentation scope every instrument of the library is created under. */
export const INSTRUMENTATION_SCOPE = 'taskcluster-pulse';

/**
 * The meter to record on, or undefined while no SDK is installed (the API's
 * no-op meter): then the client skips instrumentation entirely, so that
 * without an SDK it costs nothing per message.
 */
export function activeMeter(provider: MeterProvider = metrics.getMeterProvider()): Meter | undefined {
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  return meter === createNoopMeter() ? undefined : meter;
}
