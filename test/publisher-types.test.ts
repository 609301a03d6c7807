/**
 * PulsePublisher's types, checked by `npm run typecheck`: each
 * `@ts-expect-error` below must be an error, or the typecheck fails.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueueEvents } from '../src/index.js';
import { queueExchangeReference } from '../src/bindings/index.js';
import { PulsePublisher, type PublishedPulseMessage, type PublishFields, type EntryOf } from '../src/testing/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(): T | undefined => undefined;

// Required routing-key entries are required, optional ones optional, constants absent.
type CompletedFields = PublishFields<EntryOf<typeof QueueEvents, 'taskCompleted'>>;
expectType<Equal<keyof CompletedFields, 'taskId' | 'runId' | 'workerGroup' | 'workerId' | 'provisionerId' | 'workerType' | 'schedulerId' | 'taskGroupId' | 'reserved'>>();
expectType<Equal<Pick<CompletedFields, 'reserved'>, { readonly reserved?: string | number }>>();
expectType<Equal<Pick<CompletedFields, 'taskId'>, { readonly taskId: string | number }>>();

// Never called: only compiled.
function typeChecks(publisher: PulsePublisher) {
  const taskId = 'fNzBS2k5QHmVrm-3rh1CAA';
  const ok: Promise<PublishedPulseMessage> = publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId) });
  // A bare reference: fields typed from its literal type, payload unknown.
  void publisher.publish(queueExchangeReference, 'taskGroupResolved', { fields: { taskGroupId: 'g', schedulerId: 's' }, payload: { anything: 1 } });

  // @ts-expect-error: no such exchange
  void publisher.publish(QueueEvents, 'taskCompletd', { fields: completedFields(taskId), payload: completedPayload(taskId) });
  // @ts-expect-error: workerGroup is required on task-completed
  void publisher.publish(QueueEvents, 'taskCompleted', { fields: { taskId, runId: 0, workerId: 'w', provisionerId: 'p', workerType: 't', schedulerId: 's', taskGroupId: 'g' }, payload: completedPayload(taskId) });
  // @ts-expect-error: routingKeyKind is a constant, not a field
  void publisher.publish(QueueEvents, 'taskCompleted', { fields: { ...completedFields(taskId), routingKeyKind: 'primary' }, payload: completedPayload(taskId) });
  // @ts-expect-error: the payload is a TaskCompletedMessage (runId is a number)
  void publisher.publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: { ...completedPayload(taskId), runId: '0' } });
  // @ts-expect-error: a task-failed payload has state 'failed' among others, but not this shape
  void publisher.publish(QueueEvents, 'taskFailed', { fields: completedFields(taskId), payload: { version: 1 } });
  return ok;
}

test('publisher types compile as documented (see npm run typecheck)', () => {
  assert.equal(typeof typeChecks, 'function');
});
