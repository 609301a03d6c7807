/**
 * The stale-bindings scenario, on any broker target: a bot listens with
 * bindings {A, B}, stops; messages are published to A and B while it is down;
 * it restarts with {B, C}. Every B message must arrive (0 lost), and A
 * messages published after the restart must not reach it at all.
 */
import assert from 'node:assert/strict';
import type { Subscription } from 'rxjs';
import type { QueueEvents } from '../../src/generated/exchanges/queue.js';
import { PulseClient, type ListenOptions, type PulseMessage } from '../../src/pulse/index.js';
import type { BrokerSuite } from './broker-suite.js';
import { eventually } from './rabbit.js';
import { publishCompleted } from './rabbit-fixtures.js';

export interface StaleBindingsRun {
  /** taskIds received by the restarted bot, by exchange letter. */
  readonly received: { readonly A: string[]; readonly B: string[]; readonly C: string[] };
  /** taskIds of A messages published after the restart. */
  readonly laterA: readonly string[];
  /** taskIds of B messages published while the bot was down, and after. */
  readonly wantedB: readonly string[];
  /** taskIds named in the restarted bot's `error` events (UnboundMessageError). */
  readonly unboundTaskIds: readonly string[];
  readonly events: { readonly unbound: unknown[]; readonly handover: unknown[] };
  readonly errors: Error[];
  /** The queue the restarted bot consumes. */
  readonly queue: string;
  /** Milliseconds from the restart until every B message sent while down had arrived. */
  readonly catchUpMs: number;
}

/** How the bot reads: `listen()` (acked on delivery) or `consume()` (acked once its handler is done). */
export type ScenarioMode = 'listen' | 'consume';

/** Starts the bot; resolves once it consumes, with the messages it receives (consume(): those its handler finished). */
async function start(client: PulseClient, bindings: Parameters<PulseClient['listen']>[0], options: ListenOptions, mode: ScenarioMode) {
  const received: PulseMessage[] = [];
  const consuming = new Promise<string>((resolve) => client.once('consuming', (info) => resolve(info.queue)));
  const handler = async (message: PulseMessage) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    received.push(message);
  };
  const subscription: Subscription =
    mode === 'listen'
      ? client.listen(bindings, options).subscribe({ next: (message) => received.push(message as PulseMessage) })
      : client.consume(bindings, handler as (message: unknown) => Promise<void>, options).subscribe();
  return { received, subscription, queue: await consuming };
}

export async function runStaleBindingsScenario(
  suite: BrokerSuite,
  events: QueueEvents,
  queueName: string,
  before: ListenOptions,
  after: ListenOptions,
  settled: (run: { readonly events: StaleBindingsRun['events'] }) => boolean,
  mode: ScenarioMode = 'listen',
  perExchange = 25,
): Promise<StaleBindingsRun> {
  const [A, B, C] = [events.taskCompleted(), events.taskFailed(), events.taskException()];
  const tag = Math.random().toString(36).slice(2, 8);
  const ids = (letter: string, phase: string) => Array.from({ length: perExchange }, (_, i) => `${letter}-${phase}-${tag}-${i}`);

  const first = suite.newClient();
  const bot1 = await start(first, [A, B], { queueName, ...before }, mode);
  bot1.subscription.unsubscribe();
  await first.close();

  const downA = ids('A', 'down');
  const downB = ids('B', 'down');
  for (let i = 0; i < perExchange; i++) {
    await publishCompleted(suite.publisher, A, downA[i]!);
    await publishCompleted(suite.publisher, B, downB[i]!);
  }

  const second = suite.newClient();
  const errors: Error[] = [];
  const seen = { unbound: [] as unknown[], handover: [] as unknown[] };
  second.on('error', (error) => errors.push(error));
  second.on('unbound', (info) => seen.unbound.push(info));
  second.on('handover', (info) => seen.handover.push(info));
  const restartedAt = Date.now();
  const bot2 = await start(second, [B, C], { queueName, ...after }, mode);
  const taskIdsOf = (exchange: string) => bot2.received.filter((m) => m.exchange === exchange).map((m) => (m.fields as { taskId: string }).taskId);
  await eventually(() => downB.every((id) => taskIdsOf(B.exchange).includes(id)), 'every B message sent while the bot was down');
  const catchUpMs = Date.now() - restartedAt;
  await eventually(() => settled({ events: seen }), 'the stale bindings to be dealt with');

  const laterA = ids('A', 'later');
  const laterB = ids('B', 'later');
  const laterC = ids('C', 'later');
  for (let i = 0; i < perExchange; i++) {
    await publishCompleted(suite.publisher, A, laterA[i]!);
    await publishCompleted(suite.publisher, B, laterB[i]!);
    await publishCompleted(suite.publisher, C, laterC[i]!);
  }
  await eventually(
    () => laterB.every((id) => taskIdsOf(B.exchange).includes(id)) && laterC.every((id) => taskIdsOf(C.exchange).includes(id)),
    'every B and C message sent after the restart',
  );
  // Published before the last B and C, on the same publisher channel: had any A message been routed here, it would have arrived by now.
  const unboundTaskIds = errors.flatMap((e) => {
    const key = (e as { delivery?: { routingKey?: string } }).delivery?.routingKey;
    return key ? [key.split('.').find((part) => part.startsWith('A-')) ?? ''] : [];
  });
  bot2.subscription.unsubscribe();
  await second.close();
  assert.deepEqual(bot1.received, [], 'nothing was published while the first bot ran');
  return {
    received: { A: taskIdsOf(A.exchange), B: taskIdsOf(B.exchange), C: taskIdsOf(C.exchange) },
    laterA,
    wantedB: [...downB, ...laterB],
    unboundTaskIds,
    events: seen,
    errors,
    queue: bot2.queue,
    catchUpMs,
  };
}

/** The checks every path must pass: 0 of the wanted lost, none of the later A messages delivered. */
export function assertNoStaleDelivery(run: StaleBindingsRun): void {
  const lostB = run.wantedB.filter((id) => !run.received.B.includes(id));
  assert.deepEqual(lostB, [], `${lostB.length} of ${run.wantedB.length} B messages lost`);
  assert.deepEqual(run.received.A, [], 'A is no longer bound: no A message reaches the listener');
  const laterAReached = run.unboundTaskIds.filter((id) => run.laterA.includes(id));
  assert.deepEqual(laterAReached, [], 'A messages published after the restart reached the queue');
}
