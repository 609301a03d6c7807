import { BrokerAddress } from '../pulse/broker-address.js';
import { checkScheme } from '../pulse/connectors.js';
import { sleep } from '../pulse/sleep.js';
import { RawPublisher } from './raw-publisher.js';
import { checkRecord } from './read-recording.js';
import type { PulseRecord } from './record.js';

export interface ReplayOptions {
  /** The broker: `amqp://...` or `memory://` for the embedded broker (a password may hold reserved characters unencoded). */
  readonly url: string | BrokerAddress;
  /** `recorded` (default): keep the gaps between the records' times; `fast`: as fast as the broker confirms. */
  readonly pace?: 'recorded' | 'fast';
  /** At recorded pace, play this many times faster (2 halves every gap). Default 1. */
  readonly speed?: number;
  /** Stops the replay between two messages; the promise then resolves with what was published. */
  readonly signal?: AbortSignal;
  /** Called after the broker confirmed each message. */
  readonly onPublished?: (record: PulseRecord, index: number) => void;
}

export interface ReplayResult {
  /** Messages published and confirmed. */
  readonly published: number;
  readonly elapsedMs: number;
}

/** Unconfirmed messages in flight at once when replaying fast. */
const FAST_WINDOW = 256;

/**
 * Publishes recorded messages onto a broker, raw: each record's exchange,
 * routing key, CC, properties and body as recorded (exchanges declared as
 * durable topic exchanges first). Options are checked before connecting.
 */
export async function replayRecording(records: readonly PulseRecord[], options: ReplayOptions): Promise<ReplayResult> {
  const { address, pace, speed } = checkOptions(records, options);
  const started = performance.now();
  const publisher = new RawPublisher(address);
  let published = 0;
  const confirmed = (record: PulseRecord, index: number) => {
    published++;
    options.onPublished?.(record, index);
  };
  try {
    // Exchanges first: a bot may bind between two messages, never find one missing.
    for (const exchange of new Set(records.map((r) => r.exchange))) await publisher.declareExchange(exchange);
    if (pace === 'fast') {
      const inFlight = new Set<Promise<void>>();
      for (const [index, record] of records.entries()) {
        if (options.signal?.aborted) break;
        const confirm = publisher.publish(record).then(() => confirmed(record, index));
        inFlight.add(confirm);
        void confirm.then(() => inFlight.delete(confirm), () => undefined);
        if (inFlight.size >= FAST_WINDOW) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } else {
      const origin = records.length > 0 ? Date.parse(records[0]!.time) : 0;
      for (const [index, record] of records.entries()) {
        // Gaps never go backwards: a record older than the one before it goes at once.
        const due = Math.max(0, (Date.parse(record.time) - origin) / speed);
        const wait = due - (performance.now() - started);
        if (wait > 0) await sleep(wait, options.signal);
        if (options.signal?.aborted) break;
        await publisher.publish(record);
        confirmed(record, index);
      }
    }
  } finally {
    await publisher.close();
  }
  return { published, elapsedMs: performance.now() - started };
}

function checkOptions(records: readonly PulseRecord[], options: ReplayOptions): { address: BrokerAddress; pace: 'recorded' | 'fast'; speed: number } {
  if (!Array.isArray(records)) throw new TypeError('replayRecording: records must be an array (see readRecording)');
  const url = options?.url;
  // One parser for broker URLs: a URL that can never work is a PulseConfigError naming `url`, password never quoted.
  const address = url instanceof BrokerAddress ? url : BrokerAddress.parse(url, 'url');
  checkScheme(address, 'url');
  const pace = options.pace ?? 'recorded';
  if (pace !== 'recorded' && pace !== 'fast') throw new TypeError(`replayRecording: pace must be "recorded" or "fast", got "${String(pace)}"`);
  const speed = options.speed ?? 1;
  if (typeof speed !== 'number' || !(speed > 0) || !Number.isFinite(speed)) {
    throw new TypeError(`replayRecording: speed must be a positive number, got ${String(speed)}`);
  }
  records.forEach((record, i) => checkRecord(record, `records[${i}]`, 0));
  return { address, pace, speed };
}
