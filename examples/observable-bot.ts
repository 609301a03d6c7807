// A bot operators can watch: its metrics on a Prometheus endpoint through OpenTelemetry, and probes.
// Pulse: PULSE_URL, or PULSE_USERNAME / PULSE_PASSWORD / PULSE_HOSTNAME (/ PULSE_VHOST).
// METRICS_PORT (default 9464) serves /metrics; HEALTH_PORT (default 8080) serves /healthz and /readyz.
// Needs the SDK besides this package: npm install @opentelemetry/sdk-metrics @opentelemetry/exporter-prometheus
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PulseClient, QueueEvents, startHealthServer } from 'taskcluster-pulse';

// Install the SDK first: a client records on the meter provider it finds when it is created.
const metricsPort = Number(process.env.METRICS_PORT ?? 9464);
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new PrometheusExporter({ port: metricsPort })] }));

// Warn well before the Pulse guardian (2,000 messages; it deletes queues past 8,000).
const pulse = PulseClient.fromEnv({ queueDepth: { warnAt: 500, sampleIntervalMs: 15_000 } });
pulse.on('error', (error) => console.error(`[pulse] ${error.name}: ${error.message}`));
pulse.on('queue-depth', ({ queue, messageCount, level }) => console.error(`[pulse] ${queue}: ${messageCount} messages queued (${level})`));

// For probes from outside a container, add host: '0.0.0.0'.
const health = await startHealthServer({ client: pulse, port: Number(process.env.HEALTH_PORT ?? 8080) });
console.error(`[bot] metrics on http://127.0.0.1:${metricsPort}/metrics, probes on ${health.url}/healthz and ${health.url}/readyz`);

pulse
  .consume(new QueueEvents().taskCompleted(), (message) => console.log(`completed: ${message.payload.status.taskId}`), { queueName: 'observable-bot' })
  .subscribe();

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void pulse
      .close()
      .then(() => health.close())
      .then(() => process.exit(0));
  });
}
