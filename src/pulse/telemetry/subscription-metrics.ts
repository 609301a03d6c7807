import type { Attributes, Histogram } from '@opentelemetry/api';
import type { ConsumeOutcome } from '../consume-outcome.js';
import type { ReceivedMessage } from '../pulse-message.js';
import { amqpTimestampMs, eventTimeReader, type EventTimeReader } from './event-time.js';
import { ATTR } from './names.js';

/** The histogram a subscription records on (created once per client). */
export interface MessageHistograms {
  readonly processDuration: Histogram;
}

/** A count and the attribute set it is reported with. */
export interface Tally {
  readonly attributes: Attributes;
  count: number;
}

/**
 * Everything recorded for one (exchange, queue): attribute sets made once,
 * and the counters' running totals. Counting is a plain increment on the hot
 * path; the SDK reads the totals (asynchronous counters) and the last lag
 * (a gauge) when it collects, rather than hashing an attribute set per
 * message. Only the handler's duration is a histogram, recorded per run.
 */
export class ExchangeLabels {
  readonly base: Attributes;
  readonly processed: Attributes;
  readonly eventTime: EventTimeReader;
  readonly consumed: Tally;
  readonly redelivered: Tally;
  /** The last message delivered (its payload and AMQP timestamp) and when: its lag is worked out only when collected. */
  last: { payload: unknown; timestamp: unknown; receivedAt: number } | undefined;
  readonly outcomes = new Map<string, Tally>();
  readonly failures = new Map<string, Tally>();
  readonly #failedRuns = new Map<string, Attributes>();

  constructor(exchange: string, queue: string) {
    this.base = { [ATTR.system]: 'rabbitmq', [ATTR.destination]: exchange, [ATTR.subscription]: queue };
    this.processed = { ...this.base, [ATTR.operationName]: 'process', [ATTR.operationType]: 'process' };
    this.consumed = { attributes: { ...this.base, [ATTR.operationName]: 'deliver', [ATTR.operationType]: 'receive' }, count: 0 };
    this.redelivered = { attributes: this.base, count: 0 };
    this.eventTime = eventTimeReader(exchange);
  }

  /** Seconds from the event the last message reported to its delivery; undefined if it carried no time. */
  lagSeconds(): number | undefined {
    const last = this.last;
    if (!last) return undefined;
    const at = this.eventTime(last.payload) ?? amqpTimestampMs(last.timestamp);
    return at === undefined ? undefined : Math.max(0, last.receivedAt - at) / 1000;
  }

  outcome(status: string): Tally {
    return cached(this.outcomes, status, () => ({ attributes: { ...this.base, [ATTR.outcome]: status }, count: 0 }));
  }

  failure(errorType: string): Tally {
    return cached(this.failures, errorType, () => ({ attributes: { ...this.base, [ATTR.errorType]: errorType }, count: 0 }));
  }

  failedRun(errorType: string): Attributes {
    return cached(this.#failedRuns, errorType, () => ({ ...this.processed, [ATTR.errorType]: errorType }));
  }
}

/**
 * The metrics of one `listen()`/`consume()` subscription. `labelsOf` gives the
 * client's shared record of an (exchange, queue), so totals survive the
 * subscription; a local map keeps the lookup to one per message.
 */
export class SubscriptionMetrics {
  readonly #byExchange = new Map<string, ExchangeLabels>();

  constructor(
    private readonly histograms: MessageHistograms,
    private readonly labelsOf: (exchange: string) => ExchangeLabels,
  ) {}

  /** A message was delivered at `now` (ms since the epoch). */
  received(message: ReceivedMessage, now: number): void {
    const labels = this.#labels(message.exchange);
    labels.consumed.count++;
    if (message.redelivered) labels.redelivered.count++;
    const last = (labels.last ??= { payload: undefined, timestamp: undefined, receivedAt: 0 });
    last.payload = message.payload;
    last.timestamp = message.raw.properties.timestamp;
    last.receivedAt = now;
  }

  /** The handler ran for `seconds`; `error` if it failed. */
  processed(message: ReceivedMessage, seconds: number, failed: boolean, error: unknown): void {
    const labels = this.#labels(message.exchange);
    this.histograms.processDuration.record(seconds, failed ? labels.failedRun(errorType(error)) : labels.processed);
  }

  outcome(outcome: ConsumeOutcome<ReceivedMessage, unknown>): void {
    const labels = this.#labels(outcome.message.exchange);
    labels.outcome(outcome.status).count++;
    if (handlerFailed(outcome)) labels.failure(errorType((outcome as { readonly error?: unknown }).error)).count++;
  }

  #labels(exchange: string): ExchangeLabels {
    let labels = this.#byExchange.get(exchange);
    if (labels === undefined) this.#byExchange.set(exchange, (labels = this.labelsOf(exchange)));
    return labels;
  }
}

/** Each handler failure ends in exactly one of these outcomes. */
function handlerFailed(outcome: ConsumeOutcome<ReceivedMessage, unknown>): boolean {
  if (outcome.settledBy !== 'consumer') return false;
  if (outcome.status === 'released') return outcome.reason === 'handler-failed' || outcome.reason === 'retry-pending';
  return outcome.status !== 'handled';
}

/** `error.type`: the error's class name (bounded), `_OTHER` for a thrown non-error. */
function errorType(error: unknown): string {
  return error instanceof Error ? error.name : '_OTHER';
}

export function cached<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
