/** Dead-lettering as RabbitMQ does it: the republished message with its `x-death` history, and death cycles. */
import type { FieldTable, FieldValue, PublishedMessage } from './message.js';
import { cloneTable } from './message.js';
import type { DeathReason } from './queue.js';

/** One `x-death` entry, as RabbitMQ writes it. */
interface DeathEntry {
  [key: string]: FieldValue;
  count: number;
  reason: DeathReason;
  queue: string;
  time: { '!': 'timestamp'; value: number };
  exchange: string;
  'routing-keys': string[];
}

/**
 * The message RabbitMQ republishes when a queue dead-letters one: to the
 * dead-letter exchange, with the dead-letter routing key if the queue has one
 * (the CC header then dropped) or else its own routing keys, with an `x-death`
 * history (a repeat of the same queue and reason counts up and moves first)
 * and the `x-first-death-*` headers. A quorum queue's delivery count is not
 * carried over.
 */
export function deadLetteredMessage(
  message: PublishedMessage,
  queueName: string,
  reason: DeathReason,
  deadLetterExchange: string,
  deadLetterRoutingKey: string | undefined,
  now: Date = new Date(),
): PublishedMessage {
  const headers = cloneTable(message.properties.headers ?? {});
  delete headers['x-delivery-count'];
  const cc = Array.isArray(headers.CC) ? headers.CC.map(String) : [];
  const ownKeys = [message.routingKey, ...cc];

  const history = Array.isArray(headers['x-death']) ? (headers['x-death'] as DeathEntry[]) : [];
  const previous = history.findIndex((d) => d.queue === queueName && d.reason === reason);
  const entry: DeathEntry =
    previous >= 0
      ? { ...history[previous]!, count: Number(history[previous]!.count) + 1 }
      : {
          count: 1,
          reason,
          queue: queueName,
          time: { '!': 'timestamp', value: Math.floor(now.getTime() / 1000) },
          exchange: message.exchange,
          'routing-keys': ownKeys,
        };
  headers['x-death'] = [entry, ...history.filter((_, i) => i !== previous)];
  headers['x-first-death-exchange'] ??= message.exchange;
  headers['x-first-death-queue'] ??= queueName;
  headers['x-first-death-reason'] ??= reason;

  if (deadLetterRoutingKey !== undefined) delete headers.CC;
  const routingKey = deadLetterRoutingKey ?? message.routingKey;
  return {
    exchange: deadLetterExchange,
    routingKey,
    routingKeys: deadLetterRoutingKey !== undefined ? [deadLetterRoutingKey] : ownKeys,
    content: message.content,
    properties: { ...message.properties, headers },
  };
}

/** Queues a dead-lettered message has already died in, to stop cycles RabbitMQ would stop. */
export function deathQueues(message: PublishedMessage): { queues: Set<string>; rejected: boolean } {
  const history = message.properties.headers?.['x-death'];
  const entries = Array.isArray(history) ? (history as DeathEntry[]) : [];
  return { queues: new Set(entries.map((d) => d.queue)), rejected: entries.some((d) => d.reason === 'rejected') };
}
