/**
 * Type-level tests, checked by `tsc` (npm run typecheck, and test/types.test.ts).
 * Each `@ts-expect-error` line must fail to compile: if it ever compiles, tsc
 * reports the directive as unused and the check fails.
 */
import {
  createEvents,
  decodeRoutingKey,
  GithubEvents,
  QueueEvents,
  type Binding,
  type FieldsOf,
  type PayloadOf,
  type QueueTypes,
} from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_proof?: T): void => undefined;

const queue = new QueueEvents();

// The three forms compile.
queue.taskCompleted();
queue.taskCompleted({ taskId: 'abc', runId: 0 });
queue.taskCompleted('abc', 0, 'workerGroup');
queue.taskCompleted({ routingKeyPattern: 'primary.#' });

// @ts-expect-error a typo in a field name
queue.taskCompleted({ taskid: 'abc' });
// @ts-expect-error a constant entry is not a filter field
queue.taskCompleted({ routingKeyKind: 'primary' });
// @ts-expect-error too many positional values (9 non-constant entries)
queue.taskCompleted('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
// @ts-expect-error values are strings or numbers
queue.taskCompleted({ taskId: true });
// @ts-expect-error forms are never mixed
queue.taskCompleted('abc', { runId: 0 });
// @ts-expect-error a raw pattern with fields
queue.taskCompleted({ routingKeyPattern: 'primary.#', taskId: 'abc' });
// @ts-expect-error no such exchange
queue.taskCompletd();
// @ts-expect-error github pullRequest has organization/repository/action only
new GithubEvents().pullRequest({ organisation: 'mozilla' });

// A taskCompleted binding carries the message type: payload.status.taskId is a string.
type TaskCompleted = ReturnType<QueueEvents['taskCompleted']>;
type Payload = PayloadOf<TaskCompleted>;
assertType<Equal<Payload, QueueTypes.TaskCompletedMessage>>();
assertType<Equal<Payload['status']['taskId'], string>>();
assertType<Equal<Payload['runId'], number>>();
declare const payload: Payload;
const taskId: string = payload.status.taskId;
// @ts-expect-error taskId is not a number
const wrong: number = payload.status.taskId;
void taskId;
void wrong;

// Decoded routing keys are typed per exchange, constants as literals.
const fields = decodeRoutingKey(queue.taskCompleted(), 'primary.T.0.g.w.p.t.s.G._');
assertType<Equal<typeof fields, FieldsOf<TaskCompleted>>>();
assertType<Equal<(typeof fields)['routingKeyKind'], 'primary'>>();
const groupId: string = fields.taskGroupId;
void groupId;
// @ts-expect-error no such routing-key field
void fields.taskgroupid;

// createEvents on a literal reference is as strict as the generated classes.
const shiny = createEvents({
  serviceName: 'shiny',
  apiVersion: 'v1',
  exchangePrefix: 'exchange/taskcluster-shiny/v1/',
  entries: [
    {
      type: 'topic-exchange',
      name: 'thingHappened',
      exchange: 'thing-happened',
      schema: 'v1/thing.json#',
      routingKey: [
        { name: 'routingKeyKind', constant: 'primary', required: true, multipleWords: false },
        { name: 'thingId', required: true, multipleWords: false },
      ],
    },
  ],
});
shiny.thingHappened({ thingId: 'x' });
shiny.thingHappened('x');
// @ts-expect-error typo on a run-time-defined exchange
shiny.thingHappened({ thingid: 'x' });
// @ts-expect-error one positional value only
shiny.thingHappened('x', 'y');
assertType<Equal<FieldsOf<ReturnType<typeof shiny.thingHappened>>, { readonly routingKeyKind: 'primary'; readonly thingId: string }>>();

// Bindings from any source are assignable to the plain Binding type.
const plain: Binding = queue.taskFailed('abc');
void plain;
