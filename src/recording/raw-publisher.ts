import { randomBytes } from 'node:crypto';
import type { AmqpConfirmChannel, AmqpConnection, AmqpPublishOptions } from '../pulse/amqp-api.js';
import { openConnection } from '../pulse/connectors.js';
import { BrokerAddress } from '../pulse/broker-address.js';
import { RECORDED_PROPERTIES, recordBody, type PulseRecord } from './record.js';

/**
 * Publishes records exactly as recorded (exchange, routing key, CC, properties,
 * body bytes) on a confirm channel. `PulsePublisher` builds messages from
 * fields and payloads; a replay must not rebuild anything, hence this.
 * Exchanges are declared first as Taskcluster declares them (durable topic).
 */
export class RawPublisher {
  #opening: Promise<{ connection: AmqpConnection; channel: AmqpConfirmChannel }> | undefined;
  readonly #declared = new Map<string, Promise<unknown>>();
  #draining: Promise<void> | undefined;
  #failure: Error | undefined;

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
    const { channel } = await this.#session();
    if (this.#failure) throw this.#failure;
    await this.declareExchange(record.exchange);
    await this.#draining;
    await new Promise<void>((resolve, reject) => {
      const buffered = !channel.publish(record.exchange, record.routingKey, recordBody(record), publishOptions(record), (error) => {
        if (!error) resolve();
        else reject(new Error(`${record.exchange}: the broker did not confirm the message (${describe(error)})`));
      });
      if (buffered && !this.#draining) {
        this.#draining = new Promise((drained) => {
          const done = () => {
            this.#draining = undefined;
            channel.removeListener('drain', done);
            channel.removeListener('close', done);
            drained();
          };
          channel.once('drain', done);
          channel.once('close', done);
        });
      }
    });
  }

  /** Declares a durable topic exchange (once per exchange). */
  async declareExchange(exchange: string): Promise<void> {
    const { channel } = await this.#session();
    let declared = this.#declared.get(exchange);
    if (!declared) {
      declared = channel.assertExchange(exchange, 'topic', { durable: true, autoDelete: false, internal: false }).catch((error: unknown) => {
        throw new Error(`${exchange}: could not declare the exchange (${describe(error)})`);
      });
      this.#declared.set(exchange, declared);
    }
    await declared;
  }

  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    const session = await opening?.catch(() => undefined);
    await session?.connection.close().catch(() => undefined);
  }

  #session(): Promise<{ connection: AmqpConnection; channel: AmqpConfirmChannel }> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<{ connection: AmqpConnection; channel: AmqpConfirmChannel }> {
    let connection: AmqpConnection;
    try {
      connection = await openConnection(this.#address, { noDelay: true, clientProperties: { connection_name: this.connectionName } });
    } catch (error) {
      throw new Error(`cannot connect to ${this.#address.display}: ${this.#address.redact(describe(error))}`);
    }
    const lost = (error?: Error) => {
      this.#failure ??= new Error(`the connection to ${this.#address.display} was lost${error ? ` (${this.#address.redact(error.message)})` : ''}`);
    };
    connection.on('error', () => undefined);
    connection.on('close', lost);
    const channel = await connection.createConfirmChannel();
    channel.on('error', (error) => (this.#failure ??= new Error(`the broker closed the channel: ${error.message}`)));
    return { connection, channel };
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
