import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type { ConsumeOutcome } from '../consume-outcome.js';
import type { ReceivedMessage } from '../pulse-message.js';
import { amqpTimestampMs, eventTimeReader, type EventTimeReader } from './event-time.js';
import { ATTR } from './names.js';

/** The instruments a subscription records on (created once per client). */
export interface MessageInstruments {
  readonly consumed: Counter;
  readonly redelivered: Counter;
  readonly outcomes: Counter;
  readonly handlerFailures: Counter;
  readonly processDuration: Histogram;
  readonly lag: Histogram;
}

/** Attribute sets of one (exchange, queue), made once and reused for every message. */
class ExchangeLabels {
  readonly base: Attributes;
  readonly received: Attributes;
  readonly processed: Attributes;
  readonly eventTime: EventTimeReader;
  readonly #outcomes = new Map<string, Attributes>();
  readonly #failures = new Map<string, Attributes>();
  readonly #failedRuns = new Map<string, Attributes>();

  constructor(exchange: string, queue: string) {
    this.base = { [ATTR.system]: 'rabbitmq', [ATTR.destination]: exchange, [ATTR.subscription]: queue };
    this.received = { ...this.base, [ATTR.operationName]: 'deliver', [ATTR.operationType]: 'receive' };
    this.processed = { ...this.base, [ATTR.operationName]: 'process', [ATTR.operationType]: 'process' };
    this.eventTime = eventTimeReader(exchange);
  }

  outcome(status: string): Attributes {
    return cached(this.#outcomes, status, () => ({ ...this.base, [ATTR.outcome]: status }));
  }

  failure(errorType: string): Attributes {
    return cached(this.#failures, errorType, () => ({ ...this.base, [ATTR.errorType]: errorType }));
  }

  failedRun(errorType: string): Attributes {
    return cached(this.#failedRuns, errorType, () => ({ ...this.processed, [ATTR.errorType]: errorType }));
  }
}

/**
 * The metrics of one `listen()`/`consume()` subscription. `queue` is its
 * queue's stable label (an ephemeral queue's random name would make a new
 * series on every reconnection).
 */
export class SubscriptionMetrics {
  readonly #byExchange = new Map<string, ExchangeLabels>();

  constructor(
    private readonly instruments: MessageInstruments,
    private readonly queue: string,
  ) {}

  received(message: ReceivedMessage): void {
    const labels = this.#labels(message.exchange);
    this.instruments.consumed.add(1, labels.received);
    if (message.redelivered) this.instruments.redelivered.add(1, labels.base);
    const at = labels.eventTime(message.payload) ?? amqpTimestampMs(message.raw.properties.timestamp);
    if (at !== undefined) this.instruments.lag.record(Math.max(0, Date.now() - at) / 1000, labels.base);
  }

  /** The handler ran for `seconds`; `error` if it failed. */
  processed(message: ReceivedMessage, seconds: number, failed: boolean, error: unknown): void {
    const labels = this.#labels(message.exchange);
    this.instruments.processDuration.record(seconds, failed ? labels.failedRun(errorType(error)) : labels.processed);
  }

  outcome(outcome: ConsumeOutcome<ReceivedMessage, unknown>): void {
    const labels = this.#labels(outcome.message.exchange);
    this.instruments.outcomes.add(1, labels.outcome(outcome.status));
    if (handlerFailed(outcome)) this.instruments.handlerFailures.add(1, labels.failure(errorType((outcome as { readonly error?: unknown }).error)));
  }

  #labels(exchange: string): ExchangeLabels {
    let labels = this.#byExchange.get(exchange);
    if (labels === undefined) this.#byExchange.set(exchange, (labels = new ExchangeLabels(exchange, this.queue)));
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

function cached<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
