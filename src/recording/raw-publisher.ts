import { randomBytes } from 'node:crypto';
import type { AmqpPublishOptions } from '../pulse/amqp-api.js';
import type { BrokerAddress } from '../pulse/broker-address.js';
import { Deadline } from '../pulse/deadline.js';
import { describe, PublisherSession } from '../pulse/publisher-session.js';
import { RECORDED_PROPERTIES, recordBody, type PulseRecord } from './record.js';

/** The test kit publisher's defaults: a replay waits no longer than it does. */
const CONNECT_TIMEOUT_MS = 10_000;
const CONFIRM_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Publishes records exactly as recorded (exchange, routing key, CC, properties,
 * body bytes) on the publisher's confirm-channel session. `PulsePublisher`
 * builds messages from fields and payloads; a replay must not rebuild
 * anything, hence this. Exchanges are declared first as Taskcluster declares
 * them (durable topic). Connecting and each confirm are bounded.
 */
export class RawPublisher {
  #opening: Promise<PublisherSession> | undefined;
  #lost = false;
  readonly #abandon = new AbortController();

  /** Private (#): its password never reaches util.inspect or JSON.stringify. */
  readonly #address: BrokerAddress;

  constructor(
    address: BrokerAddress,
    private readonly connectionName = `taskcluster-pulse-replay-${randomBytes(4).toString('hex')}`,
  ) {
    this.#address = address;
  }

  /** Resolves once the broker confirms the message. */
  async publish(record: PulseRecord): Promise<void> {
    const session = await this.#session();
    const outcome = await Deadline.after(CONFIRM_TIMEOUT_MS).within(
      session.publish({ exchange: record.exchange, routingKey: record.routingKey, content: recordBody(record), options: publishOptions(record) }),
    );
    if (outcome === undefined) throw new Error(`${record.exchange}: the broker did not confirm the message within ${CONFIRM_TIMEOUT_MS} ms`);
    if (outcome.kind === 'connection-lost') {
      throw new Error(`the connection to ${this.#address.display} was lost (${this.#address.redact(outcome.error.message)})`);
    }
  }

  /** Declares a durable topic exchange (once per exchange). */
  async declareExchange(exchange: string): Promise<void> {
    await (await this.#session()).assertExchange(exchange);
  }

  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    this.#abandon.abort();
    const session = await opening?.catch(() => undefined);
    await session?.close(Deadline.after(CLOSE_TIMEOUT_MS));
  }

  #session(): Promise<PublisherSession> {
    // A replay does not reconnect: a lost connection fails the messages after it too.
    if (this.#lost) return Promise.reject(new Error(`the connection to ${this.#address.display} was lost`));
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<PublisherSession> {
    try {
      return await PublisherSession.open(
        { address: this.#address, connectionName: this.connectionName, connectTimeoutMs: CONNECT_TIMEOUT_MS, signal: this.#abandon.signal },
        () => {
          this.#lost = true;
        },
      );
    } catch (error) {
      throw new Error(`cannot connect to ${this.#address.display}: ${this.#address.redact(describe(error))}`);
    }
  }
}

/** The record's properties as publish options; `persistent` from the delivery mode. */
function publishOptions(record: PulseRecord): AmqpPublishOptions {
  const options: Record<string, unknown> = {};
  for (const name of Object.keys(RECORDED_PROPERTIES)) {
    const value = record.properties[name as keyof typeof RECORDED_PROPERTIES];
    if (value !== undefined) options[name] = value;
  }
  if (record.properties.headers) options.headers = record.properties.headers;
  if (record.cc.length > 0) options.CC = [...record.cc];
  return options as AmqpPublishOptions;
}
