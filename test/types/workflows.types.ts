/**
 * Type-level tests of watchTaskGroup's events and consume()'s `until`: events
 * narrow by `kind`, payload types come from the queue's schemas, and the
 * `until` predicate sees the stream's own outcome type. Checked by `tsc`
 * (test/types.test.ts); nothing here runs.
 */
import type { PulseClient, Queue, QueueTypes } from '../../src/index.js';
import { QueueEvents, watchTaskGroup } from '../../src/index.js';

declare const pulse: PulseClient;
declare const queue: Queue;

watchTaskGroup('fN1SbArXTPSVFNUvaOlinQ', { pulse, queue }).subscribe((event) => {
  if (event.kind === 'task') {
    const status: QueueTypes.TaskStatus = event.status;
    const runId: number | undefined = event.runId;
    const resolved: boolean = event.resolved;
    void [status, runId, resolved];
  } else if (event.kind === 'artifact') {
    const name: string = event.artifact.name;
    const runId: number = event.runId;
    void [name, runId];
  } else {
    const failed: number = event.counts.failed;
    void failed;
  }
  // @ts-expect-error artifacts only come live
  const never: 'snapshot' = event.kind === 'artifact' ? event.source : 'snapshot';
  void never;
});

// @ts-expect-error pulse is required
watchTaskGroup('fN1SbArXTPSVFNUvaOlinQ', { queue });
// @ts-expect-error a page size is a number
watchTaskGroup('fN1SbArXTPSVFNUvaOlinQ', { pulse, queue, pageSize: '10' });

const completed = new QueueEvents().taskCompleted();
pulse.consume(completed, (message) => message.payload.status.taskId, {
  // The outcome is the stream's own: its message and the handler's result type.
  until: (outcome) => outcome.status === 'handled' && outcome.settledBy === 'consumer' && outcome.result.length > 0 && outcome.message.payload.runId === 0,
  onConsuming: ({ queue: name, resumed }) => void [name.length, resumed],
});
pulse.consume(completed, (message) => message.payload.status.taskId, {
  // @ts-expect-error the handler returns a string, not a number
  until: (outcome) => outcome.status === 'handled' && outcome.settledBy === 'consumer' && outcome.result.toFixed() === '1',
});
