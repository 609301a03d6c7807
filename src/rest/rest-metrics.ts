import { createNoopMeter, metrics, type Attributes, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { NetworkError } from './network-error.js';
import { sendRequest, type HttpRequest, type HttpResponse } from './transport.js';

/** What a REST call's measurements are labelled with: the API method's name, never its URL (unbounded). */
export interface CallLabels {
  readonly service: string;
  /** The API method, e.g. `claimWork`. */
  readonly method: string;
  readonly httpMethod: string;
  /** The host and port requests go to. */
  readonly site: { readonly hostname: string; readonly port: string; readonly protocol: string };
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Per meter provider: its histogram, or null while it is the API's no-op (no SDK installed). */
const histograms = new WeakMap<MeterProvider, Histogram | null>();

/**
 * `http.client.request.duration` of OpenTelemetry's HTTP conventions, from the
 * global meter provider (looked up per call, so an SDK installed later counts).
 */
function requestDuration(): Histogram | null {
  const provider = metrics.getMeterProvider();
  let histogram = histograms.get(provider);
  if (histogram === undefined) {
    const meter = provider.getMeter('taskcluster-pulse');
    histogram =
      meter === createNoopMeter()
        ? null
        : meter.createHistogram('http.client.request.duration', {
            unit: 's',
            description: 'Duration of REST requests to Taskcluster services (one per attempt).',
            advice: { explicitBucketBoundaries: DURATION_BUCKETS },
          });
    histograms.set(provider, histogram);
  }
  return histogram;
}

/**
 * One attempt of a REST call, timed: `http.request.method`,
 * `http.response.status_code`, `server.address`/`server.port`, `error.type`
 * (the status of an error answer, or the network error's code), and the
 * service and API method as `tc_pulse.rest.service`/`tc_pulse.rest.method`.
 * Without an SDK it is `sendRequest` itself.
 */
export async function measuredRequest(origin: string, request: HttpRequest, timeout: number, labels: CallLabels): Promise<HttpResponse> {
  const histogram = requestDuration();
  if (histogram === null) return sendRequest(origin, request, timeout);
  const started = performance.now();
  const record = (attributes: Attributes) => histogram.record((performance.now() - started) / 1000, { ...baseAttributes(labels), ...attributes });
  try {
    const response = await sendRequest(origin, request, timeout);
    const status = response.statusCode;
    record({ 'http.response.status_code': status, ...(status >= 400 ? { 'error.type': String(status) } : {}) });
    return response;
  } catch (error) {
    record({ 'error.type': error instanceof NetworkError ? error.code : '_OTHER' });
    throw error;
  }
}

function baseAttributes(labels: CallLabels): Attributes {
  const port = labels.site.port === '' ? (labels.site.protocol === 'https:' ? 443 : 80) : Number(labels.site.port);
  return {
    'http.request.method': labels.httpMethod,
    'server.address': labels.site.hostname,
    'server.port': port,
    'tc_pulse.rest.service': labels.service,
    'tc_pulse.rest.method': labels.method,
  };
}
