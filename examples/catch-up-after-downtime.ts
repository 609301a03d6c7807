// Catching up after downtime: a bot whose queue was deleted (by the Pulse guardian, say) or that
// was down for a while binds its queue again, then rebuilds what it missed from the Queue API and
// feeds it to the same handler as live messages. Deduplication makes each failure reported once,
// whether it arrives live, rebuilt, or both.
// In production: catchUpAndFollow(taskGroupId, { pulse: PulseClient.fromEnv(), queue: new Queue(fromEnv()),
//   store: new RedisDedupStore(new Redis(), { prefix: 'failure-notifier:' }) }).subscribe();
import { merge, Subject, switchMap, take } from 'rxjs';
import { deduplicate, QueueEvents, runBackfill, type DedupStore, type MessageOf, type PulseClient, type Queue } from 'taskcluster-pulse';

export function catchUpAndFollow(taskGroupId: string, { pulse, queue, store }: { pulse: PulseClient; queue: Queue; store: DedupStore }, report = console.log) {
  const events = new QueueEvents();
  const bindings = [events.taskFailed({ taskGroupId }), events.taskException({ taskGroupId })];
  // One handler for both sources: a failure's key (exchange, taskId, runId) is the same live and rebuilt.
  const notify = deduplicate(
    async (message: MessageOf<(typeof bindings)[number]>) => {
      report(`task ${message.payload.status.taskId} run ${message.payload.runId}: ${message.exchange.split('/').at(-1)}`);
    },
    { store },
  );
  const bound = new Subject<void>();
  // Bind first (a durable queue keeps what comes from now on), then rebuild what came before.
  const live = pulse.consume(bindings, notify, { queueName: 'failure-notifier', onConsuming: () => bound.next() });
  const missed = bound.pipe(
    take(1),
    switchMap(() => runBackfill({ queue, taskGroupId, bindings }, notify)),
  );
  return merge(live, missed);
}
