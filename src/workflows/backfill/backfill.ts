/**
 * Catching up after downtime: the messages the queue published for some
 * tasks, rebuilt from the Queue API and delivered as `listen()` delivers
 * them, so the same handler takes both.
 */
import { buildRoutingKey } from '../../bindings/routing-key.js';
import type { Binding } from '../../bindings/types.js';
import { QueueEvents } from '../../generated/exchanges/queue.js';
import type { AmqpMessage } from '../../pulse/amqp-api.js';
import { MessageDecoder } from '../../pulse/message-decoder.js';
import type { BindingIn, Bindings, DeliveryChannel, MessageOf, PulseMessage } from '../../pulse/pulse-message.js';
import { Observable } from '../../pulse/rxjs-core.js';
import { TaskclusterError } from '../../rest/taskcluster-error.js';
import { resolveBackfillOptions, type BackfillOptions, type BackfillSettings } from './backfill-options.js';
import { BackfillNotFoundError, found } from './backfill-error.js';
import { groupMessage } from './task-messages.js';
import { inWindow, isResolution, taskHistory, type HistoryContext, type RebuiltEvent } from './task-history.js';

/** The queue exchanges backfill rebuilds messages of. */
export const BACKFILL_EXCHANGES = [
  'taskDefined',
  'taskPending',
  'taskRunning',
  'artifactCreated',
  'taskCompleted',
  'taskFailed',
  'taskException',
  'taskGroupResolved',
] as const;

/** One of {@link BACKFILL_EXCHANGES}. */
export type BackfillExchangeName = (typeof BACKFILL_EXCHANGES)[number];

/** The bindings backfill uses when given none: one per rebuilt exchange, matching every message. */
export type DefaultBackfillBinding = ReturnType<QueueEvents[BackfillExchangeName]>;

/**
 * A rebuilt message: what `listen()` would have delivered (exchange, routing
 * key, fields, routes, payload, binding), `origin: 'backfill'`, `queue:
 * 'backfill'` (no Pulse queue has that name), `redelivered: false`,
 * `deliveryCount: 1`. No broker delivered it: `ack()` and `nack()` only
 * record the handler's verdict (`settled`), nothing is sent.
 */
export type BackfilledMessage<M extends PulseMessage = MessageOf<DefaultBackfillBinding>> = M & { readonly origin: 'backfill' };

/** The messages of `B` (default: every rebuilt exchange), as backfill delivers them. */
export type BackfilledMessageOf<B extends Bindings> = BackfilledMessage<MessageOf<BindingIn<B>>>;

/** The name given as `message.queue`. */
export const BACKFILL_QUEUE = 'backfill';

/**
 * The messages the queue published for some tasks (`taskIds`), a task group
 * (`taskGroupId`, with taskGroupResolved when all its tasks are resolved) or
 * several, optionally within a time `window`, rebuilt from the Queue API
 * (task, status, listTaskGroup, listArtifacts per run, getTaskGroup), in the
 * shape `listen()` delivers for the same `bindings`. A cold Observable: each
 * subscription reads the queue again, streaming page by page, task by task;
 * unsubscribing or aborting `signal` stops it (no further request or page).
 *
 * Order: task by task (a group in the queue's listing order), each task's
 * messages in the order the queue published them. Each message's payload
 * carries the task's status as it was at that event (see `statusAt`), so
 * deduplicating by exchange, taskId, runId and the state the exchange implies
 * matches live messages. Options are checked before any request, naming the
 * field; a task or group the queue does not know errors the stream with a
 * `BackfillNotFoundError`.
 */
export function backfill<const B extends Bindings = readonly DefaultBackfillBinding[]>(options: BackfillOptions<B>): Observable<BackfilledMessageOf<B>> {
  const settings = resolveBackfillOptions(options);
  return new Observable<BackfilledMessageOf<B>>((subscriber) => {
    let unsubscribed = false;
    const stopped = () => unsubscribed || settings.signal?.aborted === true;
    const onAbort = () => subscriber.complete();
    settings.signal?.addEventListener('abort', onAbort, { once: true });
    if (settings.signal?.aborted) subscriber.complete();
    void (async () => {
      try {
        for await (const message of backfilledMessages(settings, stopped)) {
          if (stopped()) return;
          subscriber.next(message as BackfilledMessageOf<B>);
        }
        subscriber.complete();
      } catch (error) {
        subscriber.error(error);
      }
    })();
    return () => {
      unsubscribed = true;
      settings.signal?.removeEventListener('abort', onAbort);
    };
  });
}

/** The rebuilt messages one by one, pulled: nothing is read ahead of the consumer. */
export async function* backfilledMessages(settings: BackfillSettings, stopped: () => boolean): AsyncGenerator<BackfilledMessage<PulseMessage>> {
  const bindings = settings.bindings ?? defaultBindings(settings.exchangePrefix);
  const decoder = new MessageDecoder(bindings, { validate: settings.validate });
  decoder.prepare();
  const exchanges = exchangesByName(bindings);
  const context: HistoryContext = { queue: settings.queue, window: settings.window, pageSize: settings.pageSize, stopped };
  for await (const event of rebuiltEvents(settings, context)) {
    for (const { exchange, binding } of exchanges.get(event.name) ?? []) {
      const decoded = decoder.decode(rawMessage(exchange, binding, event), BACKFILL_QUEUE, REBUILT_CHANNEL);
      if (decoded.kind === 'malformed') throw decoded.error;
      if (decoded.kind === 'unbound') continue;
      yield Object.defineProperty(decoded.message, 'origin', { value: 'backfill', enumerable: true }) as unknown as BackfilledMessage<PulseMessage>;
    }
  }
}

function defaultBindings(exchangePrefix: string | undefined): Binding[] {
  const events = new QueueEvents(exchangePrefix === undefined ? {} : { exchangePrefix });
  return BACKFILL_EXCHANGES.map((name) => events[name]());
}

/** For each rebuilt exchange name, the exchanges the bindings listen on (one per prefix; usually one). */
function exchangesByName(bindings: readonly Binding[]): Map<string, { exchange: string; binding: Binding }[]> {
  const byName = new Map<string, { exchange: string; binding: Binding }[]>();
  for (const binding of bindings) {
    if (binding.serviceName !== 'queue' || !(BACKFILL_EXCHANGES as readonly string[]).includes(binding.name)) continue;
    const targets = byName.get(binding.name) ?? [];
    if (!targets.some((target) => target.exchange === binding.exchange)) targets.push({ exchange: binding.exchange, binding });
    byName.set(binding.name, targets);
  }
  return byName;
}

/** What the broker would have delivered: the queue's publish (routing key, CC routes, JSON body, its properties). */
function rawMessage(exchange: string, binding: Binding, event: RebuiltEvent): AmqpMessage {
  return {
    content: Buffer.from(JSON.stringify(event.payload), 'utf8'),
    fields: { deliveryTag: 0, redelivered: false, exchange, routingKey: buildRoutingKey(exchange, binding.routingKeyReference, event.fields) },
    properties: {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 2,
      headers: { CC: event.routes.map((route) => `route.${route}`) },
    },
  };
}

/** Rebuilt messages have no channel: settling records the verdict and sends nothing. */
const REBUILT_CHANNEL: DeliveryChannel = {
  alive: true,
  ended: new Promise<never>(() => {}),
  brokerCountsDeliveries: false,
  settle: () => 'sent',
};

async function* rebuiltEvents(settings: BackfillSettings, context: HistoryContext): AsyncGenerator<RebuiltEvent> {
  const { queue } = settings;
  if ('taskIds' in settings.source) {
    for (const taskId of settings.source.taskIds) {
      if (context.stopped()) return;
      const [task, { status }] = await Promise.all([found({ taskId }, queue.task(taskId)), found({ taskId }, queue.status(taskId))]);
      if (context.stopped()) return;
      yield* taskHistory(task, status, context);
    }
    return;
  }
  for (const taskGroupId of settings.source.taskGroupIds) {
    if (context.stopped()) return;
    yield* groupHistory(taskGroupId, context);
  }
}

/**
 * Every task of the group, then taskGroupResolved if none is left unresolved
 * (the queue publishes it when the last active task resolves; its time is
 * that of the group's last resolution).
 */
async function* groupHistory(taskGroupId: string, context: HistoryContext): AsyncGenerator<RebuiltEvent> {
  const { queue } = context;
  let unresolved = 0;
  let lastResolved = -Infinity;
  for await (const { task, status } of groupMembers(taskGroupId, context)) {
    if (context.stopped()) return;
    if (isResolution(status.state)) {
      for (const run of status.runs) if (run.resolved !== undefined) lastResolved = Math.max(lastResolved, Date.parse(run.resolved));
    } else {
      unresolved++;
    }
    yield* taskHistory(task, status, context);
  }
  if (context.stopped() || unresolved > 0 || !inWindow(context.window, lastResolved)) return;
  const group = await found({ taskGroupId }, queue.getTaskGroup(taskGroupId));
  if (!context.stopped()) yield { name: 'taskGroupResolved', ...groupMessage(group) };
}

/** The group's tasks, page by page; a group the queue does not know is a BackfillNotFoundError. */
async function* groupMembers(taskGroupId: string, context: HistoryContext) {
  const { queue } = context;
  const query = context.pageSize === undefined ? {} : { limit: context.pageSize };
  try {
    yield* queue.items(queue.listTaskGroup, taskGroupId, query);
  } catch (error) {
    if (error instanceof TaskclusterError && error.statusCode === 404) throw new BackfillNotFoundError({ taskGroupId }, error);
    throw error;
  }
}
