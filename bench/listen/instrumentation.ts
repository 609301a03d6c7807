/**
 * The "instrumented" variants' OpenTelemetry: the metrics SDK with a
 * Prometheus exporter as its reader, as a bot would install it (the exporter
 * serves nothing here: its aggregation happens as the client records, which
 * is the cost measured; a scrape only reads the aggregates).
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

let provider: MeterProvider | undefined;

/** One provider for every instrumented run, as a bot has one per process. */
export function instrumentedMeterProvider(): MeterProvider {
  provider ??= new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
  return provider;
}
