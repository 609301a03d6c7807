/**
 * A publisher with confirms that survives the loss of its broker node: it
 * holds one connection to one of several URLs, and when a publish is not
 * confirmed (the connection or channel closed, a nack, no answer in time) it
 * moves to the next URL and publishes the same message again. That is
 * at-least-once, as a Taskcluster service publishing into a cluster is: a
 * message whose confirm was lost with its node may arrive twice, and the
 * caller tells the copies apart by the attempt number it puts in each copy.
 */
import amqplib from 'amqplib';
import { uniqueName } from './rabbit.js';

export interface FailoverPublisherOptions {
  /** A publish not confirmed within this long is given up on that node and tried on the next one. Default 10 s. */
  readonly confirmTimeoutMs?: number;
  /** One message may take this long across all its attempts before `publish()` throws. Default 120 s. */
  readonly messageDeadlineMs?: number;
  /** Pause before trying the next URL after a failure. Default 100 ms. */
  readonly retryDelayMs?: number;
}

/** What `publish()` did to get one message confirmed. */
export interface PublishReceipt {
  /** 1 when the first try was confirmed; more when earlier tries went unconfirmed (each may still have arrived). */
  readonly attempts: number;
  /** The URL (index into `urls`) of the node that confirmed it. */
  readonly confirmedBy: number;
}

interface Link {
  readonly connection: amqplib.ChannelModel;
  readonly channel: amqplib.ConfirmChannel;
  readonly urlIndex: number;
}

export class FailoverPublisher {
  readonly #urls: readonly string[];
  readonly #confirmTimeoutMs: number;
  readonly #messageDeadlineMs: number;
  readonly #retryDelayMs: number;
  #link: Link | undefined;
  #next = 0;
  /** Failed tries so far, each with its reason: a record of every failover. */
  readonly failures: { readonly at: number; readonly urlIndex: number; readonly reason: string }[] = [];

  constructor(urls: readonly string[], options: FailoverPublisherOptions = {}) {
    if (urls.length === 0) throw new Error('FailoverPublisher needs at least one URL');
    this.#urls = urls;
    this.#confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    this.#messageDeadlineMs = options.messageDeadlineMs ?? 120_000;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
  }

  /**
   * Publishes persistently and resolves once a node confirmed it; `content`
   * is built per attempt (1, 2, ...) so each copy can say which try it was.
   */
  async publish(exchange: string, routingKey: (attempt: number) => string, content: (attempt: number) => Buffer): Promise<PublishReceipt> {
    const deadline = Date.now() + this.#messageDeadlineMs;
    for (let attempt = 1; ; attempt++) {
      let urlIndex = this.#next % this.#urls.length;
      try {
        const link = (this.#link ??= await this.#open(urlIndex));
        urlIndex = link.urlIndex;
        await this.#confirmed(link.channel, exchange, routingKey(attempt), content(attempt));
        return { attempts: attempt, confirmedBy: link.urlIndex };
      } catch (error) {
        this.failures.push({ at: Date.now(), urlIndex, reason: (error as Error).message });
        await this.#drop();
        this.#next = urlIndex + 1;
        if (Date.now() > deadline) throw new Error(`message not confirmed by any node within ${this.#messageDeadlineMs} ms (${attempt} attempts)`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs));
      }
    }
  }

  async close(): Promise<void> {
    await this.#drop();
  }

  async #open(urlIndex: number): Promise<Link> {
    const connection = await amqplib.connect(this.#urls[urlIndex]!, {
      noDelay: true,
      timeout: this.#confirmTimeoutMs,
      clientProperties: { connection_name: uniqueName('failover-publisher') },
    });
    connection.on('error', () => undefined); // always followed by 'close'; the pending confirm fails with it
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      return { connection, channel, urlIndex };
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  #confirmed(channel: amqplib.ConfirmChannel, exchange: string, routingKey: string, content: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no confirm within ${this.#confirmTimeoutMs} ms`)), this.#confirmTimeoutMs);
      // amqplib calls back with an error on a nack and when the channel closes with the publish unconfirmed.
      channel.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', contentEncoding: 'utf-8' }, (error) => {
        clearTimeout(timer);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      });
    });
  }

  async #drop(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    if (!link) return;
    // A connection to a dead node may never answer the close: give it a few seconds.
    await Promise.race([link.connection.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }
}
